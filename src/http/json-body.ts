// Reads a JSON request body against a zod schema; null after answering 400 for anything else.
import type { Context } from "hono";
import type { z } from "zod";

/** The parsed body, or null when it is not JSON of the expected shape (the caller answers 400). */
export async function readJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T> | null> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return null;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
