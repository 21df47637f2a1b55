/**
 * Checks the fake's REST answers against GitHub's published OpenAPI
 * description (`@octokit/openapi`, `api.github.com`): the operation is found
 * by path template and method, the response schema by status (GitHub's
 * generic `basic-error` for error statuses an operation does not list), and
 * the body is validated with ajv. Objects are closed (no property the
 * description does not name), so a misspelt field fails too.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ServedResponse } from './server.js';

type JsonObject = Record<string, unknown>;

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, JsonObject> }>>;
  components: { schemas: Record<string, JsonObject>; responses: Record<string, JsonObject> };
}

export interface OpenApiProblem {
  request: string;
  status: number;
  problem: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function loadDescription(): OpenApiDocument {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  return JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

/** Component schemas used inside allOf/anyOf/oneOf: closing those would reject their siblings' properties. */
function combinedComponents(document: OpenApiDocument): Set<string> {
  const names = new Set<string>();
  const walk = (value: unknown, inCombinator: boolean): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, inCombinator);
      return;
    }
    const object = value as JsonObject;
    if (inCombinator && typeof object.$ref === 'string') names.add(object.$ref.split('/').pop()!);
    for (const [key, child] of Object.entries(object)) walk(child, key === 'allOf' || key === 'anyOf' || key === 'oneOf');
  };
  walk(document.components.schemas, false);
  return names;
}

/** Sets `additionalProperties: false` on object schemas that name their properties and say nothing else. */
function closeObjects(schema: unknown, insideCombinator = false): void {
  if (!schema || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item, insideCombinator);
    return;
  }
  const object = schema as JsonObject;
  // OpenAPI 3.0.3 does not add null to an enum marked nullable, but GitHub answers null there (`dismissed_reason` of an open alert).
  if (object.nullable === true && Array.isArray(object.enum) && !object.enum.includes(null)) object.enum = [...object.enum, null];
  const combined = 'allOf' in object || 'anyOf' in object || 'oneOf' in object;
  if (!insideCombinator && !combined && object.properties && typeof object.properties === 'object' && !('additionalProperties' in object)) {
    object.additionalProperties = false;
  }
  for (const [key, child] of Object.entries(object)) {
    if (key === 'example' || key === 'examples') continue;
    closeObjects(child, insideCombinator || key === 'allOf' || key === 'anyOf' || key === 'oneOf');
  }
}

/**
 * `nullable: true` beside `allOf`/`anyOf`/`oneOf`/`$ref` without a `type` (the repository advisory's `author`, `publisher`,
 * `private_fork`): OpenAPI 3.0 means "this or null", which ajv refuses to compile; rewritten as `anyOf: [this, null]`.
 */
function nullableCombinators(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const item of schema) nullableCombinators(item);
    return;
  }
  const object = schema as JsonObject;
  for (const [key, child] of Object.entries(object)) if (key !== 'example' && key !== 'examples') nullableCombinators(child);
  if (object.nullable !== true || 'type' in object || !('allOf' in object || 'anyOf' in object || 'oneOf' in object || '$ref' in object)) return;
  const { nullable: _nullable, description, readOnly, ...rest } = object;
  for (const key of Object.keys(object)) delete object[key];
  Object.assign(object, { anyOf: [rest, { type: 'null' }] }, description === undefined ? {} : { description }, readOnly === undefined ? {} : { readOnly });
}

export interface OpenApiValidator {
  /** Problems with one answer (empty when it matches the description). */
  check(response: ServedResponse): OpenApiProblem[];
  /** The operation id for a template and method, or null when GitHub has no such operation. */
  operationId(method: string, template: string): string | null;
}

export function createOpenApiValidator(): OpenApiValidator {
  const document = loadDescription();
  nullableCombinators(document.components.schemas);
  const combined = combinedComponents(document);
  for (const [name, schema] of Object.entries(document.components.schemas)) if (!combined.has(name)) closeObjects(schema);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, discriminator: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'github-openapi', components: document.components }, 'github-openapi');
  const compiled = new Map<string, ValidateFunction>();

  const responseSchema = (method: string, template: string, status: number): { schema: JsonObject | null; declared: boolean } | null => {
    const operation = document.paths[template]?.[method.toLowerCase()];
    if (!operation) return null;
    let response = operation.responses?.[String(status)] ?? operation.responses?.default;
    const declared = response !== undefined;
    if (!response) {
      if (status >= 400) return { schema: { $ref: '#/components/schemas/basic-error' }, declared: false };
      return { schema: null, declared: false };
    }
    while (typeof response.$ref === 'string') response = document.components.responses[response.$ref.split('/').pop()!]!;
    const content = response.content as Record<string, { schema?: JsonObject }> | undefined;
    return { schema: content?.['application/json']?.schema ?? null, declared };
  };

  const validatorFor = (key: string, schema: JsonObject): ValidateFunction => {
    let validate = compiled.get(key);
    if (!validate) {
      // Local refs (#/components/...) point into the registered document.
      const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"github-openapi#/components/')) as JsonObject;
      nullableCombinators(rewritten);
      closeObjects(rewritten);
      validate = ajv.compile(rewritten);
      compiled.set(key, validate);
    }
    return validate;
  };

  return {
    operationId: (method, template) => document.paths[template]?.[method.toLowerCase()]?.operationId ?? null,
    check(response) {
      const request = `${response.method} ${response.url}`;
      const found = responseSchema(response.method, response.template, response.status);
      if (!found) return [{ request, status: response.status, problem: `GitHub has no operation ${response.method} ${response.template}` }];
      if (response.status === 304 || response.status === 204) {
        return response.body === undefined ? [] : [{ request, status: response.status, problem: 'a body on a response that has none' }];
      }
      if (!found.declared && response.status < 400) return [{ request, status: response.status, problem: `status ${response.status} is not a response of this operation` }];
      if (!found.schema) return response.body === undefined ? [] : [{ request, status: response.status, problem: 'a body where the description has none' }];
      const validate = validatorFor(`${response.method} ${response.template} ${response.status}`, found.schema);
      if (validate(response.body)) return [];
      return (validate.errors ?? []).map((entry) => ({
        request,
        status: response.status,
        problem: `${entry.instancePath || '/'} ${entry.message ?? 'invalid'}${entry.params && 'additionalProperty' in entry.params ? ` (${String(entry.params.additionalProperty)})` : ''}`,
      }));
    },
  };
}
