import { describe, expect, it } from 'vitest';
import {
  cardIssuerKnown,
  chineseIdCheckChar,
  chineseIdValid,
  ibanValid,
  luhnValid,
  ssnValid,
} from '../../../src/privacy/scrub/checksums.js';

describe('check digits', () => {
  it('Luhn accepts the card networks’ test numbers and rejects one changed digit', () => {
    for (const n of ['4111111111111111', '5500000000000004', '378282246310005', '6011111111111117', '3530111333300000'])
      expect(luhnValid(n) && cardIssuerKnown(n)).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true); // the textbook example
    expect(cardIssuerKnown('1234567812345670')).toBe(false);
  });

  it('IBAN mod 97 (ISO 13616) with the country length', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('FR1420041010050500013M02606')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false); // one character short for DE
  });

  it('Chinese resident id: MOD 11-2 check character and a real birth date', () => {
    expect(chineseIdValid('11010519491231002X')).toBe(true); // GB 11643-1999's example
    expect(chineseIdCheckChar('11010519491231002')).toBe('X');
    expect(chineseIdValid('110105194912310021')).toBe(false); // wrong check character
    expect(chineseIdValid(`11010519490230001${chineseIdCheckChar('11010519490230001')}`)).toBe(false); // 30 February
    expect(chineseIdValid(`44030120991231001${chineseIdCheckChar('44030120991231001')}`)).toBe(false); // born in the future
    expect(chineseIdValid(`44030119900307001${chineseIdCheckChar('44030119900307001')}`)).toBe(true);
  });

  it('US SSN area/group/serial rules', () => {
    expect(ssnValid('123456789')).toBe(true);
    for (const bad of ['000123456', '666123456', '900123456', '123006789', '123450000']) expect(ssnValid(bad)).toBe(false);
  });
});
