package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stratoflow.model.PoolResources;
import io.stratoflow.operator.pods.TaskPodNames;
import io.stratoflow.operator.pods.TaskResources;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What a pool's live task Pods request together, and whether one more fits its quota. */
public final class PoolUsage {

    /**
     * Parsed quantities by their text. Usage is summed over every task Pod many times a second,
     * and a cluster's Pods request a handful of distinct amounts, so parsing each once is enough.
     */
    private static final Map<String, BigDecimal> AMOUNTS = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED_AMOUNTS = 4096;

    private BigDecimal cpu = BigDecimal.ZERO;
    private BigDecimal memory = BigDecimal.ZERO;
    private long gpu;
    private int pods;

    public static PoolUsage of(String pool, Collection<Pod> allTaskPods) {
        PoolUsage usage = new PoolUsage();
        for (Pod pod : allTaskPods) {
            if (pool.equals(pod.getMetadata().getLabels().get(TaskPodNames.POOL_LABEL)) && live(pod)) {
                for (Container container : pod.getSpec().getContainers()) {
                    var requests = container.getResources() == null ? null : container.getResources().getRequests();
                    if (requests != null) {
                        usage.cpu = usage.cpu.add(amount(requests.get("cpu")));
                        usage.memory = usage.memory.add(amount(requests.get("memory")));
                        usage.gpu += amount(requests.get(TaskResources.NVIDIA_GPU)).longValue() + amount(requests.get(TaskResources.AMD_GPU)).longValue();
                    }
                }
                usage.pods++;
            }
        }
        return usage;
    }

    /** Pods that hold (or are about to hold) their resources: not yet Succeeded or Failed, not being deleted. */
    public static boolean live(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    public boolean admits(TaskResources task, PoolResources quota) {
        if (quota == null) {
            return true;
        }
        return within(cpu.add(amount(task.cpu())), quota.cpu) && within(memory.add(amount(task.memory())), quota.memory)
                && (quota.gpu == null || gpu + task.gpu() <= quota.gpu);
    }

    public void add(TaskResources task) {
        cpu = cpu.add(amount(task.cpu()));
        memory = memory.add(amount(task.memory()));
        gpu += task.gpu();
        pods++;
    }

    public BigDecimal cpu() {
        return cpu;
    }

    public BigDecimal memory() {
        return memory;
    }

    public long gpu() {
        return gpu;
    }

    public int pods() {
        return pods;
    }

    private static boolean within(BigDecimal total, String limit) {
        return limit == null || total.compareTo(amount(new Quantity(limit))) <= 0;
    }

    static BigDecimal amount(Quantity quantity) {
        if (quantity == null) {
            return BigDecimal.ZERO;
        }
        String text = quantity.getAmount() + (quantity.getFormat() == null ? "" : quantity.getFormat());
        BigDecimal known = AMOUNTS.get(text);
        if (known != null) {
            return known;
        }
        BigDecimal amount = Quantity.getAmountInBytes(quantity);
        if (AMOUNTS.size() < MAX_REMEMBERED_AMOUNTS) {
            AMOUNTS.put(text, amount);
        }
        return amount;
    }
}
