package io.stratoflow.e2e.flows;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Step;

import java.util.List;

/** A foreach inside a foreach: regions, then cities per region, summed back up twice. */
public class NestedFanOutFlow extends FlowSpec {

    List<String> regions;
    String region;
    List<Integer> cities;
    int city;
    long population;
    long regionTotal;
    long total;

    @Step(next = "region", foreach = "regions")
    public void start() {
        regions = List.of("north", "south", "east");
    }

    @Step(next = "city", foreach = "cities")
    public void region() {
        region = input();
        cities = List.of(1, 2, region.length());
    }

    @Step(next = "joinCities")
    public void city() {
        city = input();
        population = (long) city * region.hashCode() % 100_000;
    }

    @Step(next = "joinRegions")
    public void joinCities(Inputs<NestedFanOutFlow> inputs) {
        region = inputs.get(0).region;
        regionTotal = inputs.stream().mapToLong(f -> f.population).sum();
    }

    @Step(next = "end")
    public void joinRegions(Inputs<NestedFanOutFlow> inputs) {
        total = inputs.stream().mapToLong(f -> f.regionTotal).sum();
    }

    @Step
    public void end() {
        System.out.println("total " + total);
    }
}
