import { describe, expect, it } from 'vitest';
import { PathReservations } from './reservations.js';

describe('PathReservations', () => {
  it('lock runs holders of one key one after another, in arrival order', async () => {
    const reservations = new PathReservations();
    const order: string[] = [];
    const first = await reservations.lock('C:\\A');
    const second = reservations.lock('C:\\A').then((release) => {
      order.push('second');
      release();
    });
    const other = reservations.lock('C:\\B').then((release) => {
      order.push('other');
      release();
    });
    await other;
    await Promise.resolve();
    expect(order).toEqual(['other']);
    order.push('first done');
    first();
    await second;
    expect(order).toEqual(['other', 'first done', 'second']);
  });

  it('reserve, isReserved and release track paths being created', () => {
    const reservations = new PathReservations();
    expect(reservations.isReserved('C:\\A')).toBe(false);
    reservations.reserve('C:\\A');
    expect(reservations.isReserved('C:\\A')).toBe(true);
    expect(reservations.size).toBe(1);
    reservations.release('C:\\A');
    expect(reservations.isReserved('C:\\A')).toBe(false);
  });
});
