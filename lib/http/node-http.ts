// node:http, loaded as CommonJS. An ESM `import … from 'node:http'` builds the module's
// namespace, which reads node:http's lazy getters (WebSocket, CloseEvent, MessageEvent) and so
// loads Node's bundled undici: about 12 MB of RSS in every part that serves /healthz or speaks
// plain HTTP, for a WebSocket client none of them uses.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';

export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof Http;
