/**
 * Built-in English stop words: pronouns, determiners, auxiliaries and modal verbs, prepositions,
 * conjunctions, common adverbs and contractions (lowercase, ASCII apostrophe). embedkit's own list,
 * about 250 words, similar in spirit to the NLTK and scikit-learn lists.
 */
export const ENGLISH_STOP_WORDS: readonly string[] = Object.freeze([
  // articles, determiners, quantifiers
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'some', 'any', 'each', 'every', 'either',
  'neither', 'no', 'nor', 'not', 'all', 'both', 'few', 'many', 'more', 'most', 'much', 'other',
  'another', 'such', 'same', 'several', 'own', 'only', 'enough', 'less', 'least',
  // personal, possessive, reflexive pronouns
  'i', 'me', 'my', 'mine', 'myself', 'we', 'us', 'our', 'ours', 'ourselves', 'you', 'your', 'yours',
  'yourself', 'yourselves', 'he', 'him', 'his', 'himself', 'she', 'her', 'hers', 'herself', 'it',
  'its', 'itself', 'they', 'them', 'their', 'theirs', 'themselves', 'one', 'oneself',
  // interrogatives and relatives
  'what', 'which', 'who', 'whom', 'whose', 'whoever', 'whatever', 'whichever', 'when', 'where',
  'why', 'how', 'whether', 'wherever', 'whenever',
  // forms of be, have, do
  'am', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'have', 'has', 'had', 'having', 'do',
  'does', 'did', 'doing', 'done',
  // modals
  'can', 'could', 'may', 'might', 'must', 'shall', 'should', 'will', 'would', 'ought',
  // prepositions
  'about', 'above', 'across', 'after', 'against', 'along', 'among', 'amongst', 'around', 'as', 'at',
  'before', 'behind', 'below', 'beneath', 'beside', 'besides', 'between', 'beyond', 'by', 'down',
  'during', 'except', 'for', 'from', 'in', 'inside', 'into', 'like', 'near', 'of', 'off', 'on',
  'onto', 'out', 'outside', 'over', 'past', 'per', 'since', 'than', 'through', 'throughout', 'till',
  'to', 'toward', 'towards', 'under', 'underneath', 'until', 'up', 'upon', 'via', 'with', 'within',
  'without',
  // conjunctions
  'and', 'but', 'or', 'so', 'yet', 'if', 'because', 'although', 'though', 'while', 'whereas',
  'unless', 'once', 'then', 'therefore', 'thus', 'hence', 'however', 'moreover', 'otherwise',
  // adverbs and other function words
  'also', 'again', 'already', 'always', 'anyway', 'else', 'even', 'ever', 'further', 'here',
  'hereby', 'herein', 'just', 'never', 'now', 'often', 'perhaps', 'quite', 'rather', 'really',
  'still', 'there', 'thereby', 'therein', 'too', 'very', 'well', 'almost', 'indeed', 'instead',
  'nevertheless', 'nonetheless', 'sometimes', 'somewhat', 'soon', 'anyone', 'anything',
  'anybody', 'anywhere', 'everyone', 'everything', 'everybody', 'everywhere', 'someone',
  'something', 'somebody', 'somewhere', 'nobody', 'nothing', 'nowhere', 'none', 'yes', 'ok',
  // contractions
  "i'm", "i've", "i'll", "i'd", "you're", "you've", "you'll", "you'd", "he's", "he'll", "he'd",
  "she's", "she'll", "she'd", "it's", "it'll", "we're", "we've", "we'll", "we'd", "they're",
  "they've", "they'll", "they'd", "that's", "there's", "here's", "what's", "who's", "let's",
  "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "don't", "doesn't",
  "didn't", "won't", "wouldn't", "can't", 'cannot', "couldn't", "shouldn't", "mustn't",
  "mightn't", "needn't", "shan't",
]);
