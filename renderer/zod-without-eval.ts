import { z } from 'zod';

// zod 4 compiles fast parsers with `new Function` when it can; probing for that trips the window's
// CSP (script-src without 'unsafe-eval'). Imported first in main.tsx, before any schema is built.
z.config({ jitless: true });
