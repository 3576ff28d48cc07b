// A browser entry that fails, for runInBrowser's error path (see browser.test.ts).
export default async function run(): Promise<never> {
  console.log('about to fail');
  throw new Error('fixture failure 42');
}
