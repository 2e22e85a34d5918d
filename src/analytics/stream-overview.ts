import type { ServerResponse } from "node:http";
import type { Deps } from "../deps.ts";
import { readLiveFigures } from "./read-live-figures.ts";

/** What EventSource waits before reconnecting after a drop. */
const RETRY_MS = 3_000;
/** A reader this far behind (bytes queued) is let go rather than buffered for. */
const MAX_QUEUED_BYTES = 256 * 1024;
/** How long stopping waits for a stream's last bytes to leave. */
const CLOSE_WAIT_MS = 1_000;

interface Stream {
  res: ServerResponse;
  topic: Topic;
  /** When the session behind the stream ends (epoch ms), or null (API keys). */
  expiresAt: number | null;
}

/** The streams of one workspace and source filter: their figures are read once per tick for all. */
interface Topic {
  key: string;
  workspaceId: string;
  source: string | null;
  streams: Set<Stream>;
  timer: NodeJS.Timeout | null;
  /** The last figures sent (without their time), to tell a change from a keep-alive. */
  lastKey: string | null;
  lastEvent: string | null;
  sequence: number;
  running: Promise<void> | null;
}

export interface OverviewStreams {
  /** Starts a server-sent event stream on `res` (the reply already hijacked). */
  open(input: {
    res: ServerResponse;
    requestId: string;
    workspaceId: string;
    source: string | null;
    expiresAt: number | null;
  }): void;
  /** Reads and pushes the figures now to every stream of the workspace in this process; how many. */
  refresh(workspaceId: string): Promise<number>;
  /** Open streams and topics (each topic holds one interval). */
  count(): { streams: number; topics: number };
  /** Ends every stream and clears every interval (the server is stopping). */
  closeAll(): Promise<void>;
}

const registry = new WeakMap<Deps, OverviewStreams>();

/** The overview streams of one app (one per Deps, so test apps in one process stay apart). */
export function overviewStreams(deps: Deps): OverviewStreams {
  let streams = registry.get(deps);
  if (!streams) {
    streams = createOverviewStreams(deps);
    registry.set(deps, streams);
  }
  return streams;
}

/**
 * The live overview as server-sent events: every `FUNIL_ANALYTICS_STREAM_SECONDS` the figures
 * (analytics/read-live-figures.ts) are read once per workspace and source, and pushed as an
 * `event: figures` when they changed, or a `: keep-alive` comment when they did not; `refresh` pushes
 * at once. A stream ends when its client goes, when its session expires, or when the server stops; the
 * last stream of a topic clears its interval.
 */
function createOverviewStreams(deps: Deps): OverviewStreams {
  const topics = new Map<string, Topic>();
  const intervalMs = Math.round(deps.config.analytics.streamSeconds * 1000);
  let closing = false;

  const write = (stream: Stream, chunk: string) => {
    const { res } = stream;
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > MAX_QUEUED_BYTES) {
      end(stream);
      return;
    }
    res.write(chunk);
  };

  const drop = (stream: Stream) => {
    const { topic } = stream;
    if (!topic.streams.delete(stream)) return;
    if (topic.streams.size === 0) {
      if (topic.timer) clearInterval(topic.timer);
      topic.timer = null;
      if (topics.get(topic.key) === topic) topics.delete(topic.key);
    }
  };

  const end = (stream: Stream) => {
    drop(stream);
    if (!stream.res.writableEnded) stream.res.end();
  };

  const run = async (topic: Topic, force: boolean) => {
    const now = deps.clock.now().getTime();
    for (const stream of topic.streams) {
      if (stream.expiresAt !== null && stream.expiresAt <= now) end(stream);
    }
    if (topic.streams.size === 0 || closing) return;
    let figures: Awaited<ReturnType<typeof readLiveFigures>>;
    try {
      figures = await readLiveFigures(deps, { workspaceId: topic.workspaceId, source: topic.source });
    } catch (error) {
      if (!closing) {
        deps.log.warn({ err: error, workspaceId: topic.workspaceId }, "analytics stream: figures not read");
      }
      for (const stream of topic.streams) write(stream, ": keep-alive\n\n");
      return;
    }
    if (closing) return;
    const { at: _at, ...unchanging } = figures;
    const key = JSON.stringify(unchanging);
    if (!force && key === topic.lastKey) {
      for (const stream of topic.streams) write(stream, ": keep-alive\n\n");
      return;
    }
    topic.lastKey = key;
    topic.sequence += 1;
    topic.lastEvent = `id: ${topic.sequence}\nevent: figures\ndata: ${JSON.stringify(figures)}\n\n`;
    for (const stream of topic.streams) write(stream, topic.lastEvent);
  };

  /** One reading at a time per topic: a tick while one runs is skipped, a forced one waits its turn. */
  const tick = (topic: Topic, force: boolean): Promise<void> => {
    if (topic.running && !force) return topic.running;
    const current = (topic.running ?? Promise.resolve()).then(() => run(topic, force));
    topic.running = current;
    void current.finally(() => {
      if (topic.running === current) topic.running = null;
    });
    return current;
  };

  return {
    open(input) {
      const { res } = input;
      if (closing) {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("stopping");
        return;
      }
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-request-id": input.requestId,
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      const key = `${input.workspaceId}\u0000${input.source ?? ""}`;
      let topic = topics.get(key);
      if (!topic) {
        topic = {
          key,
          workspaceId: input.workspaceId,
          source: input.source,
          streams: new Set(),
          timer: null,
          lastKey: null,
          lastEvent: null,
          sequence: 0,
          running: null,
        };
        topics.set(key, topic);
      }
      const stream: Stream = { res, topic, expiresAt: input.expiresAt };
      topic.streams.add(stream);
      res.once("close", () => drop(stream));
      const joined = topic;
      if (!joined.timer) joined.timer = setInterval(() => void tick(joined, false), intervalMs);
      if (joined.lastEvent) write(stream, joined.lastEvent);
      else void tick(joined, true);
    },

    async refresh(workspaceId) {
      const mine = [...topics.values()].filter((topic) => topic.workspaceId === workspaceId);
      await Promise.all(mine.map((topic) => tick(topic, true)));
      return mine.reduce((sum, topic) => sum + topic.streams.size, 0);
    },

    count() {
      let streams = 0;
      for (const topic of topics.values()) streams += topic.streams.size;
      return { streams, topics: topics.size };
    },

    async closeAll() {
      closing = true;
      const all = [...topics.values()];
      const running = all.flatMap((topic) => (topic.running ? [topic.running] : []));
      const ended = all.flatMap((topic) =>
        [...topic.streams].map(
          (stream) =>
            new Promise<void>((done) => {
              const { res } = stream;
              const timer = setTimeout(finish, CLOSE_WAIT_MS);
              function finish() {
                clearTimeout(timer);
                // The connection goes with the stream, so stopping does not wait on an idle socket.
                res.socket?.destroy();
                done();
              }
              if (res.writableFinished || res.destroyed) finish();
              else res.once("finish", finish).once("close", finish);
              end(stream);
            }),
        ),
      );
      for (const topic of all) {
        if (topic.timer) clearInterval(topic.timer);
        topic.timer = null;
      }
      topics.clear();
      await Promise.all([...ended, ...running]);
    },
  };
}
