// A small word-vector model with known structure for the explorer's end-to-end tests: eight topics of
// twenty real words each (a word = its topic's centre + small seeded noise, so its nearest neighbours
// are the other words of its topic), and a royalty block built so that king − man + woman = queen.
import { mulberry32 } from '../../src/math/random.js';
import { KeyedVectors } from '../../src/vectors/keyed-vectors.js';
import { saveVectors } from '../../src/vectors/save.js';

export const TOPICS: Record<string, string[]> = {
  animals: 'cat dog horse cow sheep goat pig mouse rabbit lion tiger bear wolf fox deer monkey elephant zebra camel donkey'.split(' '),
  fruits: 'apple banana cherry grape lemon mango orange peach pear plum melon kiwi papaya lime apricot fig date guava berry coconut'.split(
    ' ',
  ),
  colours: 'red green blue yellow purple pink brown black white grey violet indigo cyan magenta beige maroon navy olive teal amber'.split(
    ' ',
  ),
  countries:
    'france germany spain italy japan china india brazil canada mexico egypt kenya peru chile norway sweden poland greece turkey russia'.split(
      ' ',
    ),
  verbs: 'run walk jump swim climb throw catch push pull lift carry drive ride fly sing dance write read speak listen'.split(' '),
  numbers:
    'one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million billion'.split(' '),
  tools: 'hammer saw drill wrench screwdriver chisel pliers shovel rake axe ladder tape nail screw bolt clamp file level ruler knife'.split(
    ' ',
  ),
  weather:
    'rain snow wind storm cloud sun fog hail thunder lightning frost ice mist breeze heat cold drizzle sleet tornado hurricane'.split(' '),
};

export const DIM = 16;

/** The model's words and vectors, deterministic for a seed. */
export function topicModel(seed = 7): KeyedVectors {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const direction = () => {
    const v = Array.from({ length: DIM }, gauss);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const words: string[] = [];
  const rows: number[][] = [];
  for (const list of Object.values(TOPICS)) {
    const centre = direction();
    for (const w of list) {
      words.push(w);
      rows.push(centre.map((x) => x + 0.18 * gauss()));
    }
  }
  // Royalty: person + gender (+ royal, + young); king − man + woman is queen up to the small noise.
  const person = direction();
  const royal = direction();
  const male = direction().map((x) => x * 0.6);
  const female = direction().map((x) => x * 0.6);
  const add = (...vs: number[][]) => vs[0].map((_, d) => vs.reduce((s, v) => s + v[d], 0) + 0.02 * gauss());
  const young = direction().map((x) => x * 0.5);
  const royalty: [string, number[]][] = [
    ['man', add(person, male)],
    ['woman', add(person, female)],
    ['boy', add(person, male, young)],
    ['girl', add(person, female, young)],
    ['king', add(person, male, royal)],
    ['queen', add(person, female, royal)],
    ['prince', add(person, male, royal, young)],
    ['princess', add(person, female, royal, young)],
  ];
  for (const [w, v] of royalty) {
    words.push(w);
    rows.push(v);
  }
  return new KeyedVectors({ words, vectors: Float32Array.from(rows.flat()), dim: DIM });
}

export async function writeTopicModel(file: string, seed = 7): Promise<KeyedVectors> {
  const kv = topicModel(seed);
  await saveVectors(kv, file);
  return kv;
}
