export { type ArmPoint, armCurvesSpec, plotArmCurves } from './arm-curves.js';
export { PlotDataError, TrainingPlotsError } from './errors.js';
export { type PlotFiles, type RenderedPlot, renderVegaLite, writePlotFiles } from './render.js';
export {
  type CurvePoint,
  type CurvesOptions,
  curvePoints,
  plotTrainingLog,
  renderTrainingCurves,
  trainingCurvesSpec,
} from './training-curves.js';
