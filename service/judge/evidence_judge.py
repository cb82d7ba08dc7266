"""The evidence judge: how well each sentence of the retrieved chunks answers the question.

The cross-encoder's relevance logit is one signal among the judge's checks (dates, attribution, answer type,
names, the question's focus words, lexical and dense similarity); the learned answerability model
(``service.judge.model``) ranks the passages by them and says how sure it is that the best one answers.
The reranker and every answerer use the same judge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from llama_index.core.schema import NodeWithScore

from ingest.chunking import split_sentences
from ingest.embedding import Embedder
from ingest.keyword_index import analyze
from service.judge.answer_types import (
    ANSWER_TYPE_PENALTY,
    answer_type,
    answer_type_penalty,
    has_answer_type,
    never_says_what_is_asked,
    without_kind_noun,
)
from service.judge.answerability import (
    QuestionName,
    WordVectors,
    asks_for_a_name,
    attribution_penalty,
    context_names,
    is_furniture,
    missing_names,
    missing_names_share,
    missing_share,
    names_nothing_new,
    question_focus,
    question_names,
    says_no_answer,
    says_not_known,
    uncovered_share,
    with_idioms,
    withholds_identity,
    words_to_embed,
)
from service.judge.countries import another_country, countries_named
from service.judge.cross_encoder import CrossEncoder
from service.judge.dates import date_mismatch_penalty
from service.judge.direct_answer import (
    EntityFinder,
    answer_candidates,
    asked_kind,
    only_other_offices,
    only_sources,
)
from service.judge.evidence import (
    EvidenceSentence,
    SentenceSplitCache,
    TermWeights,
    evidence_sentences,
    lexical_overlap,
    preselect,
)
from service.judge.model import AnswerabilityModel
from service.judge.name_matching import mentions_name, spellings
from service.judge.truecase import truecase
from service.retrieve.followups import asked_part

# The margin of a best passage with no runner-up.
NO_RUNNER_UP_MARGIN = 5.0
# How sure the judge is of a passage that is no answer whatever its signals say: one that says the answer is
# not known, one whose article never names half of what the question is about (another story), or one that
# never says the place in an order or the time in office the question asks ("Who finished second?").
NO_ANSWER_LOG_ODDS = -5.0
# Passages (best first) the entity recognizer checks for an answer of the asked kind.
ENTITY_CHECKS = 4


@dataclass(frozen=True)
class JudgedPassage:
    sentence: EvidenceSentence
    relevance: float  # cross-encoder logit
    penalty: float  # wrong or unconfirmed dates; words asked for but not attributed to the speaker
    uncovered: float  # share of the question's focus words the passage's neighbourhood lacks
    score: float  # the ranking score: passages are ordered by it
    features: Mapping[str, float] = field(default_factory=dict, compare=False)
    confidence: float = 0.0  # log-odds that the passage answers: what the refusal threshold applies to


class EvidenceJudge:
    """Scores the evidence sentences of retrieved chunks against a question."""

    def __init__(
        self,
        scorer: CrossEncoder,
        splits: SentenceSplitCache,
        weights: TermWeights,
        word_vectors: WordVectors | None,
        model: AnswerabilityModel,
        candidates: int = 8,
        embedder: Embedder | None = None,
        entities: EntityFinder | None = None,
        entity_checks: int = ENTITY_CHECKS,
    ) -> None:
        self.entities = entities
        self.entity_checks = entity_checks
        self.scorer = scorer
        self.splits = splits
        self.weights = weights
        self.word_vectors = word_vectors
        self.model = model
        self.candidates = candidates
        self.embedder = embedder

    def judge(
        self, question: str, nodes: Sequence[NodeWithScore], per_chunk: int | None = None
    ) -> list[JudgedPassage]:
        """Best first; each sentence once, in its better-scored reading, with how sure the model is."""
        return with_confidence(
            best_variant_only(self.judge_all_readings(question, nodes, per_chunk)), self.model
        )

    def judge_all_readings(
        self, question: str, nodes: Sequence[NodeWithScore], per_chunk: int | None = None
    ) -> list[JudgedPassage]:
        """Best first; a sentence that leans on its predecessor appears twice, alone and with it.

        With ``per_chunk``, up to that many sentences of every chunk are judged (the reranker's use);
        otherwise the ``candidates`` best-looking sentences wherever they are.
        """
        sentences = [
            _without_headline(s)
            for s in evidence_sentences(nodes, self.splits)
            if not is_furniture(question, s.sentence, s.headline, s.start)
        ]
        if not sentences:
            return []
        question = truecase(question, {s.doc_id: s.document for s in sentences}.values())
        terms = self.weights.idf(list(dict.fromkeys(analyze(question))))
        vector = self.embedder.embed_query(question) if self.embedder is not None else None
        limit = len(nodes) * per_chunk if per_chunk else self.candidates
        kind = answer_type(question)
        chosen = preselect(
            sentences, terms, vector, limit, per_chunk=per_chunk,
            typed=lambda s: has_answer_type(kind, s.passage, question),
        )  # fmt: skip
        picked = [v for s in chosen for v in s.variants()]
        names = question_names(question, self.entities.entities if self.entities is not None else None)
        logits = self.scorer.score(
            question, [scored_text(s, names, self._names_a_person, self._people_in) for s in picked]
        )
        asked = asked_part(question)  # not the previous turn a follow-up carries along
        focus = without_kind_noun(question_focus(asked), asked)
        wanted = words_to_embed(focus.words, {s.window for s in picked})
        if self.word_vectors is not None and wanted:
            self.word_vectors.vectors(wanted)
        # Once per article, not per sentence; the veto's share leaves out names that only describe.
        articles = {s.doc_id: s.document for s in chosen}
        missing = {doc_id: missing_names(names, document) for doc_id, document in articles.items()}
        gaps = {doc_id: missing_share(names, m) for doc_id, m in missing.items()}
        story_gaps = {doc_id: missing_share(names, m, descriptors=False) for doc_id, m in missing.items()}
        asked_countries = countries_named(question, in_titles=False)
        asks_who = asked_kind(asked) == "person"
        name_asked = asks_for_a_name(asked) and self.entities is not None
        article_gaps = {
            doc_id: uncovered_share(focus, with_idioms(text), None) for doc_id, text in articles.items()
        }
        best_logit = max(logits)
        judged = []
        for sentence, logit in zip(picked, logits, strict=True):
            date_penalty = date_mismatch_penalty(
                question, sentence.passage, sentence.window, sentence.published, sentence.document
            )
            attribution = attribution_penalty(question, sentence.passage)
            type_penalty = answer_type_penalty(question, sentence.passage)
            # The passage's neighbourhood (near-synonyms count) and, literally, its whole article: the
            # sentence holding a date rarely repeats the lawsuit it is the date of.
            said = with_idioms(sentence.passage)  # "passed away" says "die"
            window_gap = uncovered_share(
                focus, with_idioms(sentence.window, sentence.passage), self.word_vectors
            )
            uncovered = 0.5 * window_gap + 0.5 * article_gaps[sentence.doc_id]
            features = {
                "logit": logit,
                "logit_gap": logit - best_logit,
                "date_penalty": date_penalty,
                "attribution": float(attribution > 0),
                "type_missing": float(type_penalty >= ANSWER_TYPE_PENALTY),
                "vague_date": float(0 < type_penalty < ANSWER_TYPE_PENALTY),
                "name_gap": gaps[sentence.doc_id],
                "uncovered_window": window_gap,
                "uncovered_passage": uncovered_share(focus, said, self.word_vectors),
                "uncovered_literal": uncovered_share(focus, said, None),
                "no_answer": float(says_no_answer(sentence.passage)),
                "uncovered_article": article_gaps[sentence.doc_id],
                "lexical": lexical_overlap(terms, sentence.passage),
                "dense": _cosine(sentence.vector, vector),
                "chunk_rank": math.log1p(sentence.chunk_rank),
                "has_context": float(sentence.has_context),
                "typed_question": float(kind is not None),
                "focus_words": math.log1p(focus.size),
                "entity_checked": 0.0,
                "entity_answer": 0.0,
                # Not model signals: vetoes (with_confidence).
                "wrong_story": float(story_gaps[sentence.doc_id] >= 1.0),
                "never_says": float(
                    never_says_what_is_asked(question, sentence.passage)
                    or another_country(asked_countries, sentence.passage, sentence.window)
                    or (name_asked and names_nothing_new(asked, sentence.passage, self._entities))
                ),
                # Not this passage's failing but the story's word that nobody knows: it stays in front.
                "withheld": float(asks_who and withholds_identity(sentence.passage)),
            }
            penalty = date_penalty + attribution + type_penalty
            score = self.model.rank_score(features)
            judged.append(JudgedPassage(sentence, logit, penalty, uncovered, score, features))
        judged.sort(key=lambda j: j.score, reverse=True)
        if per_chunk is None:
            judged = self._check_entities(question, judged)
        return judged

    def _entities(self, text: str) -> list[tuple[int, int, str]]:
        return self.entities.entities(text) if self.entities is not None else []

    def _people_in(self, text: str) -> list[str]:
        if self.entities is None:
            return []
        return [text[start:end] for start, end, label in self.entities.entities(text) if label == "PERSON"]

    def _names_a_person(self, text: str) -> bool:
        return self.entities is not None and any(
            label == "PERSON" for _, _, label in self.entities.entities(text)
        )

    def _check_entities(self, question: str, judged: list[JudgedPassage]) -> list[JudgedPassage]:
        """Whether the best few passages hold an entity of the asked kind (a date, a person, a place) that
        the question does not name: the recognizer is precise where the regex checks are not, and costs a
        few ms a sentence, so it sees only the passages that can still win.

        A passage without one drops in the ranking, so the checks go on until the best passage has been
        checked too; the same passage read twice (from overlapping chunks) is checked once.
        """
        kind = asked_kind(question) if self.entities is not None else None
        if kind is None or self.entities is None:
            return judged
        found: dict[tuple[str, int], bool] = {}
        nobody_asked: dict[tuple[str, int], bool] = {}  # its people are all otherwise titled or sources
        budget = 2 * self.entity_checks  # the first round, then re-ranked winners not yet checked
        while True:
            rescored, fresh = [], 0
            for passage in judged:
                s = passage.sentence
                key = (s.doc_id, s.passage_start)
                first_round = len(found) < self.entity_checks
                if key not in found and len(found) < budget and (first_round or not rescored):
                    found[key] = bool(answer_candidates(question, kind, s.passage, self.entities))
                    # "Which High Court judge ...?" met by "Detective Sergeant Jim Kirwan" alone, "Who was
                    # shot?" by "according to Defence Minister Jean-Yves Le Drian" alone: no answer.
                    nobody_asked[key] = not found[key] and (
                        only_other_offices(question, s.passage, self.entities)
                        or only_sources(question, s.passage, self.entities)
                    )
                    fresh += 1
                if key in found and not passage.features["entity_checked"]:
                    features = {**passage.features, "entity_checked": 1.0, "entity_answer": float(found[key])}
                    if nobody_asked[key]:
                        features["never_says"] = 1.0
                    passage = replace(passage, features=features, score=self.model.rank_score(features))
                rescored.append(passage)
            rescored.sort(key=lambda j: j.score, reverse=True)
            judged = rescored
            if not fresh:
                return judged


def with_confidence(judged: Sequence[JudgedPassage], model: AnswerabilityModel) -> list[JudgedPassage]:
    """Each passage (ranked, best first) with the model's log-odds that it answers; a passage reads how far
    it leads the next one (the best) or trails the best (the rest).

    A vetoed passage (it never says what is asked, or it is another story's) goes after the rest: it cannot
    answer, so it does not stand in front of a passage that can; the best still reads how far it leads every
    other passage, vetoed or not.
    """
    judged = sorted(judged, key=_vetoed)  # stable: the vetoed last, each part in its order
    scored = []
    for i, passage in enumerate(judged):
        if i == 0:
            others = [p.score for p in judged[1:]]
            margin = passage.score - max(others) if others else NO_RUNNER_UP_MARGIN
        else:
            margin = passage.score - judged[0].score
        features = {**passage.features, "margin": margin, "rank_score": passage.score}
        confidence = model.log_odds(features)
        if not features["entity_answer"] and says_not_known(passage.sentence.passage):
            # "The cause of death was not immediately known": the article's own word that it has no answer,
            # unless the passage also holds an answer of the asked kind ("Four officers were suspended; their
            # names have not been released").
            confidence = min(confidence, NO_ANSWER_LOG_ODDS)
        if _vetoed(passage) or features.get("withheld"):
            confidence = min(confidence, NO_ANSWER_LOG_ODDS)
        scored.append(replace(passage, features=features, confidence=confidence))
    return scored


def _vetoed(passage: JudgedPassage) -> bool:
    """A passage that cannot answer, whatever the model says.

    It never says what is asked: "Who finished second?" met by "Mitch Seavey won", "Who is the agriculture
    minister?" by "a former agriculture minister", "How many French MPs ...?" by "MPs in the British
    parliament": the story, the year and the names all match, and no signal says the place in the order,
    the time in office or the country is not the asked one. Or only the best passages of the wrong story
    were found: "the Galaxy S22" for a question about the Galaxy S23; the ranking's penalty cannot refuse
    when no passage names them. A missing nationality alone is no other story: "Which British bank?" of an
    article that never says UK.
    """
    features = passage.features
    return bool(features.get("never_says")) or bool(features.get("wrong_story", features["name_gap"] >= 1.0))


def _without_headline(sentence: EvidenceSentence) -> EvidenceSentence:
    """The lede's own reading when its context would be the headline: a headline is no evidence, and
    "Chuck Berry dies at 90" before the lede answered what he died of."""
    if sentence.has_context and sentence.headline and sentence.passage_start < len(sentence.headline):
        return replace(sentence, passage_start=sentence.start, passage=sentence.sentence)
    return sentence


def _cosine(sentence_vector: np.ndarray | None, question_vector: np.ndarray | None) -> float:
    """Both vectors are normalised at ingest and query time; a chunk indexed without them scores 0."""
    if sentence_vector is None or question_vector is None:
        return 0.0
    return float(np.dot(sentence_vector.astype(np.float32), question_vector))


def scored_text(
    sentence: EvidenceSentence,
    names: Sequence[QuestionName],
    names_a_person: Callable[[str], bool] = lambda text: False,
    people_in: Callable[[str], list[str]] = lambda text: [],
) -> str:
    """What the cross-encoder reads: the passage, after the headline and the names it takes from its article
    when the passage never names what the question asks about ("The county's vaccination rate stood at 59.6
    percent": which county?), and after the bodies it names only by their acronym. ``names_a_person`` says
    whether a text names anyone, ``people_in`` whom (the recognizer).

    The citation still quotes the passage alone.
    """
    text = _with_context_names(sentence, names, names_a_person, people_in)
    spelled = named_by_acronym(sentence.passage, names)
    return f"{', '.join(spelled)}. {text}" if spelled else text


def _with_context_names(
    sentence: EvidenceSentence,
    names: Sequence[QuestionName],
    names_a_person: Callable[[str], bool],
    people_in: Callable[[str], list[str]],
) -> str:
    """The passage after the names it takes from its article, when it never names what is asked about."""
    if not names or missing_names_share(names, sentence.passage) == 0:
        return sentence.passage
    # The cross-encoder cannot tell that "the 57-year-old musher" is the Mitch Seavey the article is about
    # (logit -7 with the headline, +7 with his name): the names the passage takes from its article go first.
    # Not a person's name before a passage that names someone else: "Steinmeier won 931 votes" is no answer
    # about Gauck.
    left_out = context_names(names, sentence.passage, sentence.document)
    if any(n.person for n in left_out) and (
        names_a_person(sentence.passage) or _someone_else_before(sentence, left_out, people_in)
    ):
        left_out = [n for n in left_out if not n.person]
    context = ". ".join(part for part in (", ".join(n.text for n in left_out), sentence.title) if part)
    return f"{context}. {sentence.passage}" if context else sentence.passage


_ACRONYM = re.compile(r"[A-Z]{2,6}")


def named_by_acronym(passage: str, names: Sequence[QuestionName]) -> list[str]:
    """The bodies the question names in full that the passage names only by their acronym, or by acronym that
    the passage writes out. The name checks know them one, the cross-encoder does not: it reads "Carrie Pugh,
    the NEA's political director" as no answer to "Who was the National Education Association's political
    director?" until the full name stands before it, and the other way round."""
    found = []
    for name in names:
        if name.person or re.search(re.escape(name.text), passage, re.IGNORECASE):
            continue
        if _ACRONYM.fullmatch(name.text):
            if mentions_name(passage, name.text):  # "NEA" asked, "National Education Association" said
                found.append(name.text)
            continue
        acronyms = [s for s in spellings(name.text)[1:] if _ACRONYM.fullmatch(s)]
        if any(re.search(rf"\b{re.escape(acronym)}\b", passage) for acronym in acronyms):
            found.append(name.text)
    return found


_SPEAKER = re.compile(r"\0,?\s+(?:[\w-]+\s+){0,2}?(?:said|says|told|added)\b|\b(?:said|says|told|added)\s+\0")
# How far back a passage's "he" may look for whom it means: the sentences before it, up to this many.
LOOK_BACK_SENTENCES = 3
LOOK_BACK_CHARS = 800


def _someone_else_before(
    sentence: EvidenceSentence, left_out: Sequence[QuestionName], people_in: Callable[[str], list[str]]
) -> bool:
    """Whether the nearest sentence before the passage that names anyone names only others: "He died of
    cancer in 2012 at age 85" after "... Paterno's football victories. The Hall of Fame coach was never
    charged" is Paterno's age, in an article about Spanier."""
    start = max(0, sentence.passage_start - LOOK_BACK_CHARS)
    before = sentence.document[start : sentence.passage_start]
    surnames = [
        re.compile(rf"\b{re.escape(n.text.split()[-1])}\b", re.IGNORECASE) for n in left_out if n.person
    ]
    for first, last in reversed(split_sentences(before)[-LOOK_BACK_SENTENCES:]):
        prior = before[first:last]
        # A quoted speaker ("His lawyer, Elizabeth Ainslie, said he would appeal") is no change of subject.
        people = [p for p in people_in(prior) if not _SPEAKER.search(prior.replace(p, "\0"))]
        if people:
            return not any(surname.search(person) for person in people for surname in surnames)
    return False


def best_variant_only(judged: Sequence[JudgedPassage]) -> list[JudgedPassage]:
    """Of a sentence judged alone and with its context, keep the better-scored reading (input: best first)."""
    seen: set[tuple[str, int]] = set()
    kept = []
    for j in judged:
        key = (j.sentence.doc_id, j.sentence.start)
        if key not in seen:
            seen.add(key)
            kept.append(j)
    return kept


def passages_overlap(a: EvidenceSentence, b: EvidenceSentence) -> bool:
    return a.doc_id == b.doc_id and a.passage_start < b.end and b.passage_start < a.end
