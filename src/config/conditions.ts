import type { Condition } from './runtime-config.js';

/** Builds a status condition (Kubernetes metav1.Condition without the transition time). */
export function condition(type: string, ok: boolean, reason: string, message: string, generation: number): Condition {
  return { type, status: ok ? 'True' : 'False', reason, message, observedGeneration: generation };
}
