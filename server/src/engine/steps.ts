/**
 * Work that pauses now and then. A long computation (training the intent models of a big bot) is written as a
 * generator that yields between pieces of about a millisecond: a caller that must stay responsive (the language
 * server) runs it in slices and answers other requests in between; the others run it to the end at once.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs the work to the end, without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
