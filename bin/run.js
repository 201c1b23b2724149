#!/usr/bin/env node
import { execute } from '../dist/cli/execute.js';

await execute({ dir: import.meta.url });
