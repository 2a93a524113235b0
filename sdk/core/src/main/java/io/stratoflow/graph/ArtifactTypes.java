package io.stratoflow.graph;

/** What the graph checks need to know about a flow's fields. */
public interface ArtifactTypes {

    enum Kind { MISSING, LIST, OTHER }

    Kind kindOf(String field);

    /** For graphs whose fields are unknown (a Flow resource): every foreach field is accepted. */
    ArtifactTypes UNKNOWN = field -> Kind.LIST;
}
