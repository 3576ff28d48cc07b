import { accuracy, macroF1, parseTaskName, type TaskName } from '@selfevo/superglue-eval';

const acc: number = accuracy<boolean>([true, false], [true, null]);
const f1: number = macroF1(['a', 'b'], ['a', 'a'], ['a', 'b']);
const task: TaskName = parseTaskName('boolq');
export const summary: string = `${task} ${acc} ${f1}`;
