// Passwords over real HTTPS and a real database: Argon2id parameters, re-hashing, the length,
// common-password and username rules, and Unicode normalization.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { COMMON_PASSWORD_COUNT } from "../../src/auth/common-passwords.ts";
import { request } from "../helpers/http.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const COMMON: string[] = dictionary["passwords-common"];
const PHC = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

function register(username: string, password: string, on = server) {
  return request(on.origin, "POST", "/auth/register", { json: { username, password } });
}

async function loginStatus(username: string, password: string, on = server): Promise<number> {
  const response = await request(on.origin, "POST", "/auth/login", { json: { username, password } });
  await response.body?.cancel();
  return response.status;
}

async function expectRefused(username: string, password: string, code: string, on = server): Promise<void> {
  const response = await register(username, password, on);
  expect(response.status).toBe(400);
  expect((await response.json()).error.code).toBe(code);
  expect(response.headers.getSetCookie()).toEqual([]);
}

async function expectRegistered(username: string, password: string, on = server): Promise<void> {
  const response = await register(username, password, on);
  expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 201, body: { user: { username } } });
}

async function storedHash(username: string, on = server): Promise<string> {
  const result = await on.db.execute({ sql: "SELECT password_hash FROM users WHERE username = ?", args: [username] });
  return String(result.rows[0]?.password_hash);
}

function parsePhc(phc: string) {
  const match = PHC.exec(phc);
  if (!match) throw new Error(`not an argon2id PHC string: ${phc}`);
  const [, version, memory, iterations, parallelism, salt, tag] = match;
  return {
    version: Number(version),
    memory: Number(memory),
    iterations: Number(iterations),
    parallelism: Number(parallelism),
    saltBytes: Buffer.from(salt!, "base64").length,
    tagBytes: Buffer.from(tag!, "base64").length,
  };
}

/** A password of exactly `length` characters that is on no list. */
function longPassword(length: number, seed = "latch"): string {
  let text = "";
  for (let i = 0; text.length < length; i++) text += `${seed}-${i.toString(36)}-phrase~`;
  return text.slice(0, length);
}

/** `password` with its character at `index` replaced by a different one. */
function differAt(password: string, index: number): string {
  const other = password[index] === "Z" ? "Y" : "Z";
  return password.slice(0, index) + other + password.slice(index + 1);
}

describe("[PW-1] Argon2id", () => {
  test("[PW-1] hashes are Argon2id v=19, m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte tag", async () => {
    const password = "opal harbor ninety kites";
    await expectRegistered("phc-user", password);
    const phc = await storedHash("phc-user");
    expect(parsePhc(phc)).toEqual({ version: 19, memory: 19456, iterations: 2, parallelism: 1, saltBytes: 16, tagBytes: 32 });
    // An independent Argon2 implementation agrees it is a hash of this password.
    expect(await argon2Verify(phc, password)).toBe(true);
    // Salted: the same password for another user gives another hash.
    await expectRegistered("phc-user-two", password);
    expect(await storedHash("phc-user-two")).not.toBe(phc);
  });

  const weaker = [
    { memoryCost: 4096, timeCost: 1 },
    { memoryCost: 19456, timeCost: 1 },
    { memoryCost: 8192, timeCost: 3 },
  ];
  for (const [index, params] of weaker.entries()) {
    test(`[PW-1] a stored hash with m=${params.memoryCost},t=${params.timeCost} is re-hashed at the next successful sign-in only`, async () => {
      const username = `legacy-user-${index}`;
      const password = `legacy password number ${index}`;
      const weak = await argon2Hash(password, { ...params, parallelism: 1 });
      expect(parsePhc(weak)).toMatchObject({ memory: params.memoryCost, iterations: params.timeCost });
      const now = Date.now();
      await server.db.execute({
        sql: "INSERT INTO users (id, username, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)",
        args: [`legacy-id-${index}`, username, weak, now, now],
      });

      // A failed sign-in proves nothing about the password, so nothing is re-hashed.
      expect(await loginStatus(username, `${password}!`)).toBe(401);
      expect(await storedHash(username)).toBe(weak);

      expect(await loginStatus(username, password)).toBe(200);
      const upgraded = await storedHash(username);
      expect(upgraded).not.toBe(weak);
      expect(parsePhc(upgraded)).toMatchObject({ version: 19, memory: 19456, iterations: 2, parallelism: 1 });
      expect(await argon2Verify(upgraded, password)).toBe(true);

      // The new hash works, and is not replaced again.
      expect(await loginStatus(username, password)).toBe(200);
      expect(await storedHash(username)).toBe(upgraded);
    });
  }
});

describe("[PW-2] length, as typed", () => {
  test("[PW-2] fewer than 12 characters is refused by default; 12 is enough; no composition rules", async () => {
    await expectRefused("short-user", "elevenchars", "password_too_short");
    expect(COMMON).not.toContain("twelvechars!");
    await expectRegistered("short-user", "twelvechars!");
    // Lower-case letters only: no rule asks for digits, capitals or symbols.
    expect(COMMON).not.toContain("quietlanternmeadow");
    await expectRegistered("plain-letters", "quietlanternmeadow");
  });

  test("[PW-2] the minimum is configurable (LATCH_PASSWORD_MIN_LENGTH=16)", async () => {
    const strict = await startTestServer({ LATCH_PASSWORD_MIN_LENGTH: "16" });
    try {
      await expectRefused("strict-user", "fifteen-chars!!", "password_too_short", strict);
      await expectRegistered("strict-user", "sixteen-chars!!!", strict);
    } finally {
      await strict.stop();
    }
  });

  test("[PW-2] length is counted in characters, not UTF-16 units: 6 emoji (12 units) are too short, 12 emoji are fine", async () => {
    const six = "🔒🔑🚪🧱🪟🏠";
    expect(six.length).toBe(12);
    await expectRefused("emoji-user", six, "password_too_short");
    const twelve = "🔒🔑🚪🧱🪟🏠🌵🐙🎻🚲🧭🍋";
    await expectRegistered("emoji-user", twelve);
    expect(await loginStatus("emoji-user", twelve)).toBe(200);
  });

  for (const length of [128, 256]) {
    test(`[PW-2] a ${length}-character password is accepted and signs in; changing any one character (100th, last) fails`, async () => {
      const username = `long-${length}`;
      const password = longPassword(length);
      expect(password).toHaveLength(length);
      await expectRegistered(username, password);
      expect(await loginStatus(username, password)).toBe(200);
      // No truncation (bcrypt stops at 72 bytes; some systems at 64 or 100 characters).
      expect(await loginStatus(username, differAt(password, 99))).toBe(401);
      expect(await loginStatus(username, differAt(password, length - 1))).toBe(401);
      expect(await loginStatus(username, password.slice(0, 72))).toBe(401);
      expect(await loginStatus(username, password.slice(0, -1))).toBe(401);
    });
  }

  test("[PW-2] an over-long password is refused with a clear error, never silently cut", async () => {
    await expectRefused("too-long-user", longPassword(257), "password_too_long");
  });
});

describe("[PW-3] common passwords and the username", () => {
  test("[PW-3] the list holds at least 10,000 passwords, and the server uses all of it", () => {
    expect(COMMON.length).toBeGreaterThanOrEqual(10_000);
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThanOrEqual(10_000);
  });

  test("[PW-3] common passwords of 12+ characters are refused, from anywhere in the list and in any case", async () => {
    const long = COMMON.filter((password) => [...password].length >= 12 && [...password].length <= 256);
    expect(long.length).toBeGreaterThan(100);
    const picks = [long[0]!, long[Math.floor(long.length / 2)]!, long[long.length - 1]!];
    for (const [index, password] of picks.entries()) {
      await expectRefused(`common-user-${index}`, password, "password_common");
    }
    await expectRefused("common-user-upper", picks[0]!.toUpperCase(), "password_common");
  });

  test("[PW-3] the username itself is refused as the password, whatever its case", async () => {
    await expectRefused("my-own-username", "my-own-username", "password_is_username");
    await expectRefused("my-own-username", "My-Own-UserName", "password_is_username");
    // The username is stored folded; the password typed in another width or case is still it.
    await expectRefused("Another-Username", "another-username", "password_is_username");
    await expectRegistered("my-own-username", "my-own-username-but-longer");
  });
});

describe("[PW-4] Unicode normalization", () => {
  const composed = "Ångström-café-naïve";
  const decomposed = composed.normalize("NFD");

  test("[PW-4] the two spellings differ as typed", () => {
    expect(composed).not.toBe(decomposed);
    expect(composed.normalize("NFKC")).toBe(decomposed.normalize("NFKC"));
  });

  test("[PW-4] registered composed (NFC), signs in decomposed (NFD)", async () => {
    await expectRegistered("nfc-user", composed);
    expect(await loginStatus("nfc-user", decomposed)).toBe(200);
    expect(await loginStatus("nfc-user", composed)).toBe(200);
    // What was hashed is the NFKC form, not the bytes as typed.
    expect(await argon2Verify(await storedHash("nfc-user"), composed.normalize("NFKC"))).toBe(true);
  });

  test("[PW-4] registered decomposed (NFD), signs in composed (NFC)", async () => {
    await expectRegistered("nfd-user", decomposed);
    expect(await loginStatus("nfd-user", composed)).toBe(200);
    const phc = await storedHash("nfd-user");
    expect(await argon2Verify(phc, decomposed.normalize("NFKC"))).toBe(true);
    expect(await argon2Verify(phc, decomposed)).toBe(false);
  });

  test("[PW-4] compatibility forms (full-width letters) sign in as their plain form", async () => {
    await expectRegistered("wide-user", "ｗｉｄｅ－ｐａｓｓｐｈｒａｓｅ");
    expect(await loginStatus("wide-user", "wide-passphrase")).toBe(200);
    expect(await loginStatus("wide-user", "wide-passphrasf")).toBe(401);
  });
});
