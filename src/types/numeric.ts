// Exact decimal numbers: PostgreSQL's numeric as a bigint coefficient scaled by 10^-scale.

export class Numeric {
  /** The value is coef × 10^-scale. */
  readonly coef: bigint;
  /** Digits after the decimal point (PostgreSQL's display scale), ≥ 0. */
  readonly scale: number;

  constructor(coef: bigint, scale: number) {
    this.coef = coef;
    this.scale = scale;
  }
}
