// The one ejs function the verifier export uses (the package ships no types).
declare module "ejs" {
  const ejs: { render(template: string, data: unknown): string };
  export default ejs;
}
