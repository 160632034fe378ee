package dev.jllm.models.hf;

import java.net.http.HttpHeaders;

/**
 * Turns a Hub error status into a message a user can act on. The Hub says why in {@code X-Error-Code}
 * ({@code GatedRepo}, {@code RepoNotFound}, {@code EntryNotFound}, {@code RevisionNotFound}); without it the status
 * alone decides.
 */
final class HubErrors {
    static final String GATED_ADVICE = "this repo is gated: accept its licence on the Hub and set HF_TOKEN";

    private HubErrors() {
    }

    /**
     * @param what  the thing requested, for the message ("hf.co/OWNER/REPO", "file F of hf.co/OWNER/REPO")
     * @param repo  {@code OWNER/REPO}
     */
    static HubException forStatus(int status, HttpHeaders headers, String what, String repo, String revision,
                                  HubConfig config) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String serverMsg = headers.firstValue("X-Error-Message").map(m -> " (" + m + ")").orElse("");
        boolean hasToken = config.token() != null;
        String repoPage = config.displayEndpoint() + "/" + repo;
        if (code.equals("GatedRepo") || status == 403) {
            String msg = hasToken
                    ? what + ": access denied (HTTP " + status + "): " + GATED_ADVICE + "; the HF_TOKEN given has no "
                    + "access to it yet (accept the licence at " + repoPage + " with the token's account)"
                    : what + ": access denied (HTTP " + status + "): " + GATED_ADVICE + " (licence at " + repoPage
                    + ")";
            return new HubException(HubException.Reason.ACCESS_DENIED, msg + serverMsg);
        }
        if (status == 401 && !code.equals("RepoNotFound")) {
            String msg = hasToken
                    ? what + ": HF_TOKEN was refused (HTTP 401): check that the token is valid; if " + GATED_ADVICE
                    .replace("this repo is gated: ", "the repo is gated, ")
                    : what + ": authentication required (HTTP 401): the repo is private or " + GATED_ADVICE
                    .replace("this repo is gated: ", "gated: ");
            return new HubException(HubException.Reason.ACCESS_DENIED, msg + serverMsg);
        }
        if (status == 404 || status == 401) {
            String msg = switch (code) {
                case "EntryNotFound" -> what + ": no such file in the repo";
                case "RevisionNotFound" -> what + ": revision '" + revision + "' not found";
                default -> what + ": repository not found on " + config.displayEndpoint()
                        + (hasToken ? "" : " (if it is private, set HF_TOKEN)");
            };
            return new HubException(HubException.Reason.NOT_FOUND, msg + serverMsg);
        }
        if (status == 429 || status >= 500) {
            return new HubException(HubException.Reason.NETWORK, what + ": the Hub answered HTTP " + status
                    + (status == 429 ? " (too many requests)" : " (server error)") + serverMsg);
        }
        return new HubException(HubException.Reason.BAD_RESPONSE, what + ": unexpected HTTP " + status + serverMsg);
    }

    /** Whether a failure is worth retrying: the server or the network, not the request. */
    static boolean retryable(HubException e) {
        return e.reason() == HubException.Reason.NETWORK;
    }
}
