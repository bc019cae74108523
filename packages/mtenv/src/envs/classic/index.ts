export { MTCartPole, cartPoleParameters, cartPoleTaskDescription, cartPoleOptionsSchema, type CartPoleOptions, type CartPoleParameters } from "./cartpole.js";
export { MTAcrobot, acrobotParameters, acrobotTaskDescription, acrobotDerivative, acrobotOptionsSchema, type AcrobotOptions, type AcrobotParameters } from "./acrobot.js";
export { MTPendulum, PENDULUM_DEFAULT_TASKS, pendulumTaskDescription, PENDULUM_TASK_RANGES, pendulumOptionsSchema, type PendulumOptions, type PendulumTask } from "./pendulum.js";
export { UniformTabularMDP, tabularMDPOptionsSchema, tabularMDPTaskDescription, type TabularMDPOptions, type TabularMDPTask } from "./tabular-mdp.js";
export { MTBandit, banditOptionsSchema, type BanditOptions } from "./bandit.js";
export { FiniteMTBandit, finiteBanditOptionsSchema, type FiniteBanditOptions } from "./finite-bandit.js";
export { BANDIT_EPISODE_PULLS, banditTaskDescription } from "./bernoulli-arms.js";
export { TwoGoalMaze, MazeAction, MazeGoal, twoGoalMazeOptionsSchema, type TwoGoalMazeOptions } from "./two-goal-maze.js";
export { RungeKutta4, type Derivative } from "./runge-kutta.js";
