export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Natural batching: items submitted while earlier batches are running wait and go together in the
 * next batch. At low load every item runs alone at once (no added latency); under load batches grow,
 * so per-item costs (round trips, commits) are shared.
 */
export function createBatcher<I, O>(
  run: (items: I[]) => Promise<Settled<O>[]>,
  options: { maxBatch: number; maxInFlight: number },
) {
  const waiting: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  let inFlight = 0;

  function pump() {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, options.maxBatch);
      inFlight++;
      run(batch.map((entry) => entry.item))
        .then(
          (results) => {
            batch.forEach((entry, index) => {
              const result = results[index];
              if (!result) entry.reject(new Error("batch returned no result for an item"));
              else if (result.ok) entry.resolve(result.value);
              else entry.reject(result.error);
            });
          },
          (error: unknown) => {
            for (const entry of batch) entry.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return {
    submit(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        pump();
      });
    },
  };
}
