// PW-3: the 49k most common passwords, from zxcvbn-ts's maintained dictionary.
import { dictionary } from "@zxcvbn-ts/language-common";

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary["passwords-common"]);

/** True when the password (compared in lower case, as the list is) is a well-known one. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/** How many passwords the list holds (shown in docs and checked by tests). */
export const COMMON_PASSWORD_COUNT = COMMON_PASSWORDS.size;
