package dev.jllm.api;

import java.util.Optional;

/** Told of every change of the current model: set, replaced or cleared. */
@FunctionalInterface
public interface CurrentModelListener {
    void changed(Optional<CurrentModel> previous, Optional<CurrentModel> current);
}
