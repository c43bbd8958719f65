// PostgreSQL intervals: months, days and microseconds are kept apart, as PostgreSQL does,
// because a month has no fixed number of days and a day no fixed number of hours across DST.

export class Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: number;

  constructor(months: number, days: number, micros: number) {
    this.months = months;
    this.days = days;
    this.micros = micros;
  }
}
