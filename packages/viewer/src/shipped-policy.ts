import { fileURLToPath } from "node:url";

/** The policy the viewer loads by default (public/policies/…, served at ./policies/… by vite). */
export const SHIPPED_POLICY_FOLDER = fileURLToPath(new URL("../public/policies/mt10-mtsac-seed1/", import.meta.url));

/**
 * MT10 task indices the shipped policy solves in Node (success within the first 200 steps from
 * seed 12345): the browser test requires the page to succeed on each. See public/policies/README.md.
 */
export const SHIPPED_POLICY_SOLVED_TASKS: readonly number[] = [0, 5];
