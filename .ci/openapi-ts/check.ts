// CI (.ci/run): the types openapi-typescript generates from docs/openapi.yaml
// compile under --strict, and still describe docs/API.md's exchange: a path,
// a status or a field that goes away fails here.
import type { paths } from "./generated/openapi";

type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;
type NewToken = Json<paths["/api/v1/tokens/"]["post"]["responses"][201]>;
type Units = Json<paths["/api/v1/units/"]["get"]["responses"][200]>;

export const secret = (created: NewToken): string => created.token;
export const names = (page: Units): string[] => page.results.map((unit) => unit.name);
