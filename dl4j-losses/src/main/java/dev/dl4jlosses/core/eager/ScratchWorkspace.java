package dev.dl4jlosses.core.eager;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J workspaces for the temporaries of the eager path. Allocating a fresh off-heap array costs milliseconds
 * (measured: 2-7 ms for 4 MB on the development machine) against microseconds inside a workspace, and the loss
 * allocates a dozen such arrays per call. Everything created inside is gone when the scope closes: results must be
 * copied into arrays created outside first.
 */
final class ScratchWorkspace {

    /** Arrays shared by all blocks of one batch. */
    static final String BATCH = "DL4JLOSSES_BATCH";
    /** Temporaries of one block. */
    static final String BLOCK = "DL4JLOSSES_BLOCK";

    private ScratchWorkspace() {
    }

    /** Activates this thread's workspace {@code id}, created with {@link #configuration()} the first time. */
    static MemoryWorkspace enter(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(configuration(), id);
    }

    /** A new object each time: ND4J's configuration objects are mutable, and a shared one would be JVM-wide state. */
    private static WorkspaceConfiguration configuration() {
        return WorkspaceConfiguration.builder()
                .initialSize(0)
                .overallocationLimit(0.2)
                .policyAllocation(AllocationPolicy.OVERALLOCATE)
                .policyLearning(LearningPolicy.FIRST_LOOP)
                .policyReset(ResetPolicy.BLOCK_LEFT)
                .policySpill(SpillPolicy.REALLOCATE)
                .build();
    }
}
