/**
 * Waits for `work` to settle (resolve or reject), but no longer than `ms`. Resolves `true` when it
 * settled in time, `false` when the time ran out; never rejects, and its timer never outlives it.
 * For grace periods on shutdown: "let in-flight work finish, up to a bound".
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
