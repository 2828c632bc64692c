// Check digits of the identifiers `findPii` looks for. A shape alone would refuse too many opaque ids;
// a valid check digit makes a random match about ten to a hundred times rarer.

/** Luhn (mod 10): payment cards, Canadian SINs. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** ISO 13616 IBAN check: the country and check digits moved to the end, letters as numbers, mod 97 = 1. */
export function passesIbanMod97(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

const dniLetters = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): the letter is the number mod 23. */
export function passesSpanishIdLetter(id: string): boolean {
  const upper = id.toUpperCase();
  const number = upper.replace(/^[XYZ]/, (prefix) => String('XYZ'.indexOf(prefix)));
  return dniLetters[Number(number.slice(0, 8)) % 23] === upper[8];
}

/** French NIR (social security number): 13 digits and a key of 97 minus the number mod 97. */
export function passesFrenchNirKey(digits: string): boolean {
  return 97 - Number(BigInt(digits.slice(0, 13)) % 97n) === Number(digits.slice(13, 15));
}

/** Brazilian CPF: two mod-11 check digits over the first nine. */
export function passesCpfCheck(digits: string): boolean {
  if (/^(\d)\1{10}$/.test(digits)) return false;
  const check = (length: number) => {
    let sum = 0;
    for (let index = 0; index < length; index++) {
      sum += (digits.charCodeAt(index) - 48) * (length + 1 - index);
    }
    const rest = (sum * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  return check(9) === digits.charCodeAt(9) - 48 && check(10) === digits.charCodeAt(10) - 48;
}
