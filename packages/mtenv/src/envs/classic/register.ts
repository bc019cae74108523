/**
 * Registers the pure-TypeScript environments with the default registry. Imported for its side
 * effect by envs/index.ts; registering twice would throw, and ES modules run once, so importing
 * the package from several places is safe.
 */
import { register, registry } from "../../registry/registry.js";
import { MTAcrobot, acrobotOptionsSchema } from "./acrobot.js";
import { MTBandit, banditOptionsSchema } from "./bandit.js";
import { BANDIT_EPISODE_PULLS } from "./bernoulli-arms.js";
import { MTCartPole, cartPoleOptionsSchema } from "./cartpole.js";
import { FiniteMTBandit, finiteBanditOptionsSchema } from "./finite-bandit.js";
import { MTPendulum, pendulumOptionsSchema } from "./pendulum.js";
import { UniformTabularMDP, tabularMDPOptionsSchema } from "./tabular-mdp.js";
import { TwoGoalMaze, twoGoalMazeOptionsSchema } from "./two-goal-maze.js";

register({
  id: "MT-CartPole-v0",
  description: "Cart-pole whose gravity, masses, pole length and force are the task (μ ∈ [−1, 1]^5)",
  kwargsSchema: cartPoleOptionsSchema,
  entryPoint: (kwargs) => new MTCartPole(kwargs),
  // The reference had no time limit; 500 is CartPole-v1's.
  maxEpisodeSteps: 500,
  testKwargs: { valid: [{}], invalid: [{ gravity: 9.8 }] },
});

register({
  id: "MT-Acrobot-v0",
  description: "Acrobot swing-up whose link lengths, masses and torque direction are the task (μ ∈ [−1, 1]^7)",
  kwargsSchema: acrobotOptionsSchema,
  entryPoint: (kwargs) => new MTAcrobot(kwargs),
  maxEpisodeSteps: 500,
  testKwargs: { valid: [{}], invalid: [{ linkLength: 1 }] },
});
// The reference registered the acrobot under this misspelt id; kept so its configs still work.
registry.registerAlias("MT-Acrobat-v0", "MT-Acrobot-v0");

register({
  id: "MT-Pendulum-v0",
  description: "Continuous pendulum swing-up; mass, length and gravity are the task (4 default tasks)",
  kwargsSchema: pendulumOptionsSchema,
  entryPoint: (kwargs) => new MTPendulum(kwargs),
  maxEpisodeSteps: 200,
  testKwargs: {
    valid: [{ tasks: [{ mass: 1.3, length: 0.7, gravity: 11 }] }],
    invalid: [{ tasks: [] }, { tasks: [{ mass: 0, length: 1, gravity: 10 }] }, { tasks: [{ mass: 1, length: 1 }] }],
  },
});

register({
  id: "MT-TabularMDP-v0",
  description: "Random tabular MDP per task: Bernoulli rewards R ~ U[0,1], transitions softmax(N(0,1))",
  kwargsSchema: tabularMDPOptionsSchema,
  entryPoint: (kwargs) => new UniformTabularMDP(kwargs),
  // The MDP never ends by itself.
  maxEpisodeSteps: 100,
  testKwargs: { valid: [{ nStates: 3, nActions: 2 }], invalid: [{ nStates: 0 }, { nActions: 2.5 }, { nStates: "4" }] },
});

register({
  id: "MT-Bandit-v0",
  description: "k-armed Bernoulli bandit; the task is the vector of arm probabilities",
  kwargsSchema: banditOptionsSchema,
  entryPoint: (kwargs) => new MTBandit(kwargs),
  maxEpisodeSteps: BANDIT_EPISODE_PULLS,
  testKwargs: { valid: [{ nArms: 2 }], invalid: [{ nArms: 0 }] },
});

register({
  id: "MT-FiniteBandit-v0",
  description: "n fixed k-armed Bernoulli bandits drawn from a seed; the task is the bandit's index",
  kwargsSchema: finiteBanditOptionsSchema,
  entryPoint: (kwargs) => new FiniteMTBandit(kwargs),
  maxEpisodeSteps: BANDIT_EPISODE_PULLS,
  testKwargs: { valid: [{ nArms: 3, nTasks: 4, taskSetSeed: 7 }], invalid: [{ nTasks: 0 }, { taskSetSeed: -1 }] },
});

register({
  id: "MT-TwoGoalMaze-v0",
  description: "2-D room with a blue and a red box; the task says which is the goal, a hint wall tells it",
  kwargsSchema: twoGoalMazeOptionsSchema,
  entryPoint: (kwargs) => new TwoGoalMaze(kwargs),
  // MiniWorld's episode limit.
  maxEpisodeSteps: 200,
  testKwargs: { valid: [{ sizeX: 4, sizeZ: 2, taskObservation: "hidden" }], invalid: [{ sizeX: 1 }, { taskObservation: "visible" }] },
});
