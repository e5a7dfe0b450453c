import { BehaviorSubject, type Observable } from 'rxjs';
import { API_ERRORS, isApiError, type ApiError } from './ApiError.js';
import { checkBody, describeIssue, toxicBodySchema } from './apiSchemas.js';
import { STREAM_DOWNSTREAM, TOXIC_STREAMS, type ProxyProtocol, type ToxicRecord, type ToxicStream } from './ToxicRecord.js';
import { TOXIC_TYPES, toxicTypesFor } from './toxicTypes.js';

/**
 * The toxics of one proxy (toxiproxy's ToxicCollection): validated from API bodies, listed
 * upstream first, and published per direction so running connections swap pipelines live.
 *
 * Example: `const toxics = new ToxicCollection('tcp'); toxics.add({ type: 'latency', attributes: { latency: 100 } })`
 */
export class ToxicCollection {
  private readonly chains: Record<ToxicStream, BehaviorSubject<readonly ToxicRecord[]>> = {
    upstream: new BehaviorSubject<readonly ToxicRecord[]>([]),
    downstream: new BehaviorSubject<readonly ToxicRecord[]>([]),
  };

  constructor(readonly protocol: ProxyProtocol) {}

  /** The live toxics of a direction, in order: the current list at once, then every change. */
  stream$(stream: ToxicStream): Observable<readonly ToxicRecord[]> {
    return this.chains[stream].asObservable();
  }

  /** Every toxic, upstream ones first, each in the order added (toxiproxy's GetToxicArray). */
  list(): ToxicRecord[] {
    return TOXIC_STREAMS.flatMap((stream) => this.chains[stream].value);
  }

  get(name: string): ToxicRecord | undefined {
    return this.list().find((toxic) => toxic.name === name);
  }

  /** Adds a toxic from a POST body: the record, or a 400/409 as toxiproxy answers. */
  add(json: unknown): ToxicRecord | ApiError {
    const body = checkBody(toxicBodySchema, json);
    if (isApiError(body)) return body;
    const stream = (body.stream ?? STREAM_DOWNSTREAM).toLowerCase();
    if (!TOXIC_STREAMS.some((known) => known === stream)) return API_ERRORS.invalidStream();
    const typeName = body.type ?? '';
    const type = TOXIC_TYPES[typeName];
    if (type?.build[this.protocol] === undefined) {
      return API_ERRORS.invalidToxicType(`"${typeName}" (a ${this.protocol} proxy takes ${toxicTypesFor(this.protocol).join(', ')})`);
    }
    const name = body.name === undefined || body.name === '' ? `${typeName}_${stream}` : body.name;
    if (this.get(name) !== undefined) return API_ERRORS.toxicAlreadyExists();
    const attributes = type.attributes.safeParse(body.attributes ?? {});
    if (!attributes.success) return API_ERRORS.badRequestBody(describeIssue(attributes.error, 'attributes'));
    const record: ToxicRecord = { attributes: attributes.data, name, type: typeName, stream: stream as ToxicStream, toxicity: body.toxicity ?? 1 };
    this.publish(record.stream, [...this.chains[record.stream].value, record]);
    return record;
  }

  /** Updates a toxic's attributes and toxicity from a PATCH body (fields not given keep their values). */
  update(name: string, json: unknown): ToxicRecord | ApiError {
    const current = this.get(name);
    if (current === undefined) return API_ERRORS.toxicNotFound();
    const body = checkBody(toxicBodySchema, json);
    if (isApiError(body)) return body;
    const type = TOXIC_TYPES[current.type];
    const attributes = type?.attributes.safeParse({ ...current.attributes, ...(body.attributes ?? {}) });
    if (attributes === undefined) return API_ERRORS.toxicNotFound();
    if (!attributes.success) return API_ERRORS.badRequestBody(describeIssue(attributes.error, 'attributes'));
    const record: ToxicRecord = { ...current, attributes: attributes.data, toxicity: body.toxicity ?? current.toxicity };
    this.publish(current.stream, this.chains[current.stream].value.map((toxic) => (toxic === current ? record : toxic)));
    return record;
  }

  /** Removes a toxic; false when there is none of that name. */
  remove(name: string): boolean {
    const current = this.get(name);
    if (current === undefined) return false;
    this.publish(current.stream, this.chains[current.stream].value.filter((toxic) => toxic !== current));
    return true;
  }

  /** Removes every toxic (POST /reset). */
  reset(): void {
    for (const stream of TOXIC_STREAMS) if (this.chains[stream].value.length > 0) this.publish(stream, []);
  }

  private publish(stream: ToxicStream, toxics: readonly ToxicRecord[]): void {
    this.chains[stream].next(toxics);
  }
}
