import { accuracy } from '@selfevo/superglue-eval';

export const acc: number = accuracy([1], [1]);
