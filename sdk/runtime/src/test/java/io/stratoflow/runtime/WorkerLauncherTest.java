package io.stratoflow.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerLauncherTest {

    @Test
    void heapFollowsTheLargestDeclaredStepWithinTheMachineAndAFloor() {
        long half = WorkerLauncher.physicalMemoryMb() / 2;
        assertThat(WorkerLauncher.heapMb(100)).isEqualTo(256);
        assertThat(WorkerLauncher.heapMb(1000)).isEqualTo(Math.max(256, Math.min(1000, half)));
        assertThat(WorkerLauncher.heapMb(10_000_000)).isEqualTo(Math.max(256, half));
    }

    @Test
    void anExplicitCapWinsOverTheDeclaredMemoryAndTheFloor() {
        assertThat(WorkerLauncher.heapMb(4096, 64)).isEqualTo(64);
        assertThat(WorkerLauncher.heapMb(100, 64)).isEqualTo(64);
        assertThat(WorkerLauncher.heapMb(300, 100_000)).isEqualTo(WorkerLauncher.heapMb(300));
        assertThat(WorkerLauncher.heapMb(4096, 0)).isEqualTo(WorkerLauncher.heapMb(4096));
    }

    @Test
    void commandRunsTheWorkerWithTheHeapOnThisClasspathForTheFlow() {
        WorkerLauncher launcher = new WorkerLauncher(getClass(), 96);

        assertThat(launcher.command()).contains("-Xmx96m");
        assertThat(launcher.command()).endsWith("io.stratoflow.runtime.worker.WorkerMain", getClass().getName());
        String classpath = launcher.command().get(launcher.command().indexOf("-cp") + 1);
        assertThat(classpath).contains(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]);
    }

    @Test
    void runOptionsRefuseANegativeCap() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunOptions(java.util.Map.of(), 1, 1, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new RunOptions(java.util.Map.of(), 1, 1).maxWorkerHeapMb()).isZero();
    }
}
