// CI (.ci/run): the types openapi-typescript generates from docs/openapi.yaml
// compile under --strict, and still describe docs/API.md's exchange: a path,
// a status, a header or a field that goes away fails here.
import type { paths } from "./generated/openapi";

type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;
type Figures = paths["/api/v1/figures/"]["get"];
type NewToken = Json<paths["/api/v1/tokens/"]["post"]["responses"][201]>;
type Units = Json<paths["/api/v1/units/"]["get"]["responses"][200]>;
type Refused = paths["/api/v1/units/"]["get"]["responses"][401]["content"]["application/problem+json"];

export const secret = (created: NewToken): string => created.token;
export const names = (page: Units): string[] => page.results.map((unit) => unit.name);
export const etag = (answer: Figures["responses"][200]): string => answer.headers.ETag;
export const unchanged = (answer: Figures["responses"][304]): string => answer.headers.ETag;
export const conditional = (tag: string): Figures["parameters"]["header"] => ({ "If-None-Match": tag });
export const why = (problem: Refused): string[] => problem.errors.map((e) => `${e.field}: ${e.message}`);
