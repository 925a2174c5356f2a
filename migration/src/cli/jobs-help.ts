/** Help text the `pinlater-ops jobs …` and `queue status` commands share. */

/** What exit 1 means for a command that talks to a gateway. */
export const JOBS_ERROR_MEANING =
  "error: the gateway unreachable or it answered with an error (PinLater's error code in the message), or the queue does not exist on it";

/** Where the commands send their calls. */
export const GATEWAY_HELP = `Every call is PinLater Thrift to --gateway (default 127.0.0.1:9010, the local routing gateway,
which routes each queue to its system; a single-system gateway works the same), so the command
works in front of legacy Redis, legacy MySQL and Pacer alike.`;
