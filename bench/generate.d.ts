/** Wave-shaped plan text of `taskCount` tasks (see generate.js). */
export function generatePlanYaml(taskCount: number, waves?: number, options?: { sql?: boolean }): string;
