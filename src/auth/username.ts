// Usernames: one canonical form, so look-alike spellings cannot make two accounts.

const USERNAME_PATTERN = /^[\p{L}\p{N}._-]{3,32}$/u;

/** NFKC + case fold; null when the result is not 3-32 letters, digits, ".", "_" or "-". */
export function normalizeUsername(raw: string): string | null {
  // toUpperCase().toLowerCase() folds more than toLowerCase() alone ("ß" -> "ss").
  const folded = raw.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");
  return USERNAME_PATTERN.test(folded) ? folded : null;
}
