// A browser entry whose module throws while loading (see browser.test.ts).
const broken: boolean = (globalThis as { __neverSet?: boolean }).__neverSet !== true;
if (broken) throw new Error('module init failure 7');

export default async function run(): Promise<number> {
  return 1;
}
