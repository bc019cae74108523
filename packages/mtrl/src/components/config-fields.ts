import { z } from "zod";

/** Field schemas shared by the components' option objects. */
export const positiveInt = z.number().int().positive();

const beta = z.number().min(0).lt(1);

/** Adam's (β1, β2), each the decay rate of a moment estimate in [0, 1); (0.9, 0.999) unless set. */
export const adamBetas = z.tuple([beta, beta]).default([0.9, 0.999]);

/** The optimizer options every trainable task encoder has (its own Adam, stepped with the critic's). */
export const taskEncoderTraining = {
  /** Adam learning rate of the task encoder (reference: 3e-4, like the critic). */
  lr: z.number().positive().default(3e-4),
  /** Adam (β1, β2) of the task encoder. */
  betas: adamBetas,
};
