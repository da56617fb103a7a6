// LatchError: the one error type the client rejects with, carrying a stable `code`.
import type { ErrorCode } from "../ws/protocol.ts";

/** Codes the client itself produces; every other code comes from the server. */
export type ClientErrorCode =
  | "connection_lost" // the socket dropped before the answer came
  | "timeout" // no answer (or no connection) within the request timeout
  | "closed" // latch.close() was called
  | "network_error" // an HTTPS call to /auth/* did not reach the server
  | "bad_response"; // the server answered something this client does not understand

export type LatchErrorCode = ErrorCode | ClientErrorCode;

/** The error every client promise rejects with. */
export class LatchError extends Error {
  override readonly name = "LatchError";

  /** An error with a machine-readable `code` and, for HTTPS calls, the response `status`. */
  constructor(
    readonly code: LatchErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The LatchError a failed HTTPS response stands for (its `{"error":{code,message}}` body if any). */
export async function errorFromResponse(response: Response): Promise<LatchError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  const code = body?.error?.code;
  const message = body?.error?.message;
  if (typeof code === "string" && typeof message === "string") return new LatchError(code, message, response.status);
  return new LatchError("bad_response", `Unexpected HTTP ${response.status} from the server.`, response.status);
}
