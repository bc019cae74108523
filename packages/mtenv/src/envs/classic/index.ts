export { MTCartPole, cartPoleParameters, cartPoleOptionsSchema, type CartPoleOptions, type CartPoleParameters } from "./cartpole.js";
export { MTAcrobot, acrobotParameters, acrobotDerivative, acrobotOptionsSchema, type AcrobotOptions, type AcrobotParameters } from "./acrobot.js";
export { MTPendulum, PENDULUM_DEFAULT_TASKS, PENDULUM_TASK_RANGES, pendulumOptionsSchema, type PendulumOptions, type PendulumTask } from "./pendulum.js";
export { UniformTabularMDP, tabularMDPOptionsSchema, type TabularMDPOptions, type TabularMDPTask } from "./tabular-mdp.js";
export { MTBandit, banditOptionsSchema, type BanditOptions } from "./bandit.js";
export { FiniteMTBandit, finiteBanditOptionsSchema, type FiniteBanditOptions } from "./finite-bandit.js";
export { BANDIT_EPISODE_PULLS } from "./bernoulli-arms.js";
export { TwoGoalMaze, MazeAction, MazeGoal, twoGoalMazeOptionsSchema, type TwoGoalMazeOptions } from "./two-goal-maze.js";
export { RungeKutta4, type Derivative } from "./runge-kutta.js";
