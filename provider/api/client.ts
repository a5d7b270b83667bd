/**
 * `MdeClient`: the typed calls the provider needs, over the pipeline
 * retry → throttle → auth → transport (see ./pipeline).
 *
 * Inputs are validated before any call (./ids), replies are parsed with the shared schemas
 * (./schemas), and every failure is a typed `MdeError` with a redacted message.
 */
import type { z } from "zod";
import type { Clock } from "../util/clock";
import type { Logger } from "../util/logger";
import { buildClientPipeline, type MdeClientOptions } from "./clientPipeline";
import { collectionsFilter, collectionsOf } from "./collections";
import { collectWithAdoption, type CollectResult } from "./collectRequest";
import { isMdeErrorOfKind } from "./errors";
import { buildUrl, isMachineId, parseActionId, parseCancelComment, parseCollectComment, parseMachineId, pathSegment, plainText, type QueryValue } from "./ids";
import { DEFAULT_PAGE_SIZE, listAll, type ListOptions, MAX_PAGE_SIZE } from "./paging";
import type { RateLimiter } from "./limiter";
import type { HttpMethod, Send } from "./pipeline";
import type { ApiFamily } from "./quotas";
import { parseResponse } from "./responses";
import type { RetryOptions } from "./retry";
import { type Machine, type MachineAction, MachineActionSchema, MachineSchema, odataListSchema, PackageUriSchema } from "./schemas";
import type { MdeSettings } from "./settings";
import type { Transport } from "./transport";

export type { MdeClientOptions } from "./clientPipeline";

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

interface CallSpec {
  method: HttpMethod;
  route: string;
  path: string;
  family: ApiFamily;
  query?: Record<string, QueryValue>;
  url?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export class MdeClient {
  readonly settings: MdeSettings;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly retryOptions: RetryOptions;
  private readonly pageSize: number;
  private readonly transport: Transport;
  private readonly send: Send;
  private readonly limiter: RateLimiter;
  /** The one preflight of this client, its outcome kept: a refused ledger fails every caller alike, once. */
  private preflighted?: Promise<void>;

  constructor(settings: MdeSettings, options: MdeClientOptions = {}) {
    this.settings = settings;
    ({ send: this.send, limiter: this.limiter, transport: this.transport, clock: this.clock, logger: this.logger, retryOptions: this.retryOptions } =
      buildClientPipeline(settings, options));
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE));
  }

  /**
   * Starts an investigation package collection, or adopts the one already running on the machine
   * (`adopted: true`). Never starts a second one after an ambiguous failure (see ./collectRequest.ts).
   */
  async collectInvestigationPackage(machineId: string, comment: string, options: CallOptions & { deadlineMs?: number } = {}): Promise<CollectResult> {
    const id = parseMachineId(machineId);
    const text = parseCollectComment(comment);
    return collectWithAdoption(
      {
        machineId: id,
        comment: text,
        clock: this.clock,
        logger: this.logger,
        retry: this.retryOptions,
        deadlineMs: options.deadlineMs,
        post: (signal) =>
          this.call(MachineActionSchema, {
            method: "POST", route: "POST /api/machines/{id}/collectInvestigationPackage", family: "collect",
            path: `/api/machines/${id}/collectInvestigationPackage`, body: { Comment: text }, signal,
          }),
        listCollections: (signal) => this.listCollections(id, { signal }),
      },
      options.signal,
    );
  }

  /** The collections (any status) MDE lists for a machine, newest first. */
  async listCollections(machineId: string, options: CallOptions = {}): Promise<MachineAction[]> {
    const id = parseMachineId(machineId);
    return collectionsOf(await this.listMachineActions({ filter: collectionsFilter([id]), signal: options.signal }), id);
  }

  async getMachineAction(actionId: string, options: CallOptions = {}): Promise<MachineAction> {
    const id = parseActionId(actionId);
    return this.call(MachineActionSchema, { method: "GET", route: "GET /api/machineactions/{id}", family: "read", path: `/api/machineactions/${id}`, signal: options.signal });
  }

  async listMachineActions(options: ListOptions = {}): Promise<MachineAction[]> {
    return this.list(MachineActionSchema, "/api/machineactions", "GET /api/machineactions", options);
  }

  /**
   * The package download link. It is a credential (its query grants access) and short-lived:
   * download at once, never log or store it. Counts against the 2/min, 120/h GetPackageUri quota.
   */
  async getPackageUri(actionId: string, options: CallOptions = {}): Promise<string> {
    const id = parseActionId(actionId);
    const reply = await this.call(PackageUriSchema, {
      method: "GET", route: "GET /api/machineactions/{id}/GetPackageUri", family: "packageUri", path: `/api/machineactions/${id}/GetPackageUri`, signal: options.signal,
    });
    return reply.value;
  }

  /** Cancels a Pending or InProgress action; MDE answers 400 for one that already ended. */
  async cancelMachineAction(actionId: string, comment: string, options: CallOptions = {}): Promise<MachineAction> {
    const id = parseActionId(actionId);
    const text = parseCancelComment(comment);
    return this.call(MachineActionSchema, {
      method: "POST", route: "POST /api/machineactions/{id}/cancel", family: "cancel", path: `/api/machineactions/${id}/cancel`,
      body: text === undefined ? {} : { Comment: text }, signal: options.signal,
    });
  }

  /** A machine by id (40 hex) or computer name (MDE accepts both in this route). */
  async getMachine(idOrComputerName: string, options: CallOptions = {}): Promise<Machine> {
    const key = isMachineId(idOrComputerName) ? parseMachineId(idOrComputerName) : pathSegment(idOrComputerName, "computer name");
    return this.call(MachineSchema, { method: "GET", route: "GET /api/machines/{id}", family: "read", path: `/api/machines/${key}`, signal: options.signal });
  }

  /** Machines matching `filter`; MDE answers 404 when no machine was seen recently, which means "none". */
  async listMachines(options: ListOptions = {}): Promise<Machine[]> {
    return this.emptyOn404(() => this.list(MachineSchema, "/api/machines", "GET /api/machines", options));
  }

  /** Machines carrying `tag` (or a tag starting with it). */
  async findMachinesByTag(tag: string, options: CallOptions & { startsWith?: boolean } = {}): Promise<Machine[]> {
    const text = plainText(tag, "tag");
    const page = await this.emptyOn404(async () =>
      (await this.call(odataListSchema(MachineSchema), {
        method: "GET", route: "GET /api/machines/findbytag", family: "read", path: "/api/machines/findbytag",
        query: { tag: text, useStartsWithFilter: options.startsWith ?? false }, signal: options.signal,
      })).value,
    );
    return page;
  }

  /**
   * Proves, before anything is collected, that quota slots can be had: with `mde:quotaLedger`,
   * that the ledger is reachable, its container exists and the identity may write it. Once per
   * client; every caller gets the same outcome, so a refused ledger is one error, not one per machine.
   */
  preflight(): Promise<void> {
    this.preflighted ??= this.limiter.preflight?.() ?? Promise.resolve();
    return this.preflighted;
  }

  /**
   * Releases the client's idle connections and gives back the quota slots reserved for calls that
   * will not be made (the shared ledger's future slots, for the other runners at once); the client
   * stays usable and reconnects (and reserves again) on the next call.
   */
  async close(): Promise<void> {
    await Promise.all([this.transport.close(), this.limiter.close?.()]);
  }

  private async list<S extends z.ZodType>(item: S, path: string, route: string, options: ListOptions): Promise<z.output<S>[]> {
    const schema = odataListSchema(item);
    return listAll(
      {
        apiUrl: this.settings.apiUrl, path, pageSize: this.pageSize, logger: this.logger,
        fetchPage: async (url) => {
          const page = await this.call(schema, { method: "GET", route, family: "read", path, url, signal: options.signal });
          return { value: page.value as z.output<S>[], nextLink: page["@odata.nextLink"] };
        },
      },
      options,
    );
  }

  private async emptyOn404<T>(fn: () => Promise<T[]>): Promise<T[]> {
    try {
      return await fn();
    } catch (error) {
      if (isMdeErrorOfKind(error, "notFound")) return [];
      throw error;
    }
  }

  private async call<S extends z.ZodType>(schema: S, spec: CallSpec): Promise<z.output<S>> {
    const url = spec.url ?? buildUrl(this.settings.apiUrl, spec.path, spec.query);
    const response = await this.send({
      method: spec.method, url, route: spec.route, family: spec.family, body: spec.body, signal: spec.signal, idempotent: spec.method === "GET",
    });
    return parseResponse(schema, response.body, { method: spec.method, route: spec.route, path: new URL(url).pathname });
  }
}
