export { dpSgdLinearFitter, fitLinearDpSgd, planDpSgd, type DpSgdOptions, type DpSgdPlan, type LinearDpFitOptions } from './dp-sgd.js';
export {
  analyticGaussianSigma,
  classicGaussianSigma,
  gaussianDelta,
  gaussianSigma,
  type GaussianCalibration,
} from './gaussian-calibration.js';
export { GaussianNoise } from './noise.js';
export { DEFAULT_ORDERS, dpSgdEpsilon, dpSgdNoiseMultiplier, epsilonFromRdp, rdpOfSteps, rdpSubsampledGaussian } from './rdp-accountant.js';
export { privatizeVectors, type PrivatizedVectors, type PrivatizeOptions } from './release.js';
