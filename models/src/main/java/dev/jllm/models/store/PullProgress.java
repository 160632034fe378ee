package dev.jllm.models.store;

/**
 * One progress report of a pull.
 *
 * @param stage          where the pull is
 * @param model          the reference being pulled (canonical {@code hf.co/OWNER/REPO:TAG} once resolved)
 * @param file           the repo file being downloaded, or null outside {@link PullStage#DOWNLOADING}
 * @param bytesDone      bytes of the whole model on disk (files already present and resumed parts included)
 * @param bytesTotal     size of the whole model, 0 while unknown
 * @param bytesPerSecond recent download speed (bytes taken from a resumed {@code .part} do not count), 0 if unknown
 * @param etaSeconds     estimated seconds left at that speed, -1 if unknown
 */
public record PullProgress(PullStage stage, String model, String file, long bytesDone, long bytesTotal,
                           double bytesPerSecond, long etaSeconds) {

    /** Fraction done in [0, 1], or -1 while the total is unknown. */
    public double fraction() {
        return bytesTotal <= 0 ? -1 : Math.min(1.0, (double) bytesDone / bytesTotal);
    }
}
