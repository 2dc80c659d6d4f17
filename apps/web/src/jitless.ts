import { z } from 'zod';

// zod compiles fast parsers with `new Function` and probes whether it may; under the server's CSP
// (no 'unsafe-eval') even the caught probe is reported as a violation. Interpreted parsing is enough here.
z.config({ jitless: true });
