// Partnernomics Apps Script bundle: built by `npm run gas:build` from apps-script/src. Do not edit.
"use strict";
var Partnernomics = (() => {
  var __defProp = Object.defineProperty;
  var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
  var __getOwnPropNames = Object.getOwnPropertyNames;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __export = (target, all) => {
    for (var name in all)
      __defProp(target, name, { get: all[name], enumerable: true });
  };
  var __copyProps = (to, from, except, desc) => {
    if (from && typeof from === "object" || typeof from === "function") {
      for (let key of __getOwnPropNames(from))
        if (!__hasOwnProp.call(to, key) && key !== except)
          __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
    }
    return to;
  };
  var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

  // apps-script/src/main.ts
  var main_exports = {};
  __export(main_exports, {
    PN_RECOMMEND: () => PN_RECOMMEND,
    PN_RYG: () => PN_RYG,
    PN_SCORE: () => PN_SCORE,
    about: () => about,
    onOpen: () => onOpen,
    recalculateScores: () => recalculateScores
  });

  // src/domain/compare.ts
  var RELATIVE_EPSILON = 1e-12;
  function compareNumbers(a, b) {
    if (Math.abs(a - b) <= RELATIVE_EPSILON * Math.max(Math.abs(a), Math.abs(b))) return 0;
    return a < b ? -1 : 1;
  }
  var gte = (a, b) => compareNumbers(a, b) >= 0;
  var lte = (a, b) => compareNumbers(a, b) <= 0;
  var lt = (a, b) => compareNumbers(a, b) < 0;

  // src/domain/scoring.ts
  var RATING_MIN = 1;
  var RATING_MAX = 5;
  function isValidRating(value) {
    return typeof value === "number" && Number.isFinite(value) && value >= RATING_MIN && value <= RATING_MAX;
  }
  function roundHalfAwayFromZero(x, digits) {
    const factor = 10 ** digits;
    return x < 0 ? -Math.round(-x * factor) / factor : Math.round(x * factor) / factor;
  }
  function partnerScore(ratings, model) {
    let totalWeight = 0;
    let ratedWeight = 0;
    let weighted = 0;
    for (const criterion of model.criteria) {
      const rating = ratings[criterion.key];
      const valid = isValidRating(rating) ? 1 : 0;
      totalWeight += criterion.weight;
      ratedWeight += criterion.weight * valid;
      weighted += criterion.weight * valid * (valid ? rating : 0);
    }
    if (totalWeight <= 0 || ratedWeight <= 0 || lt(ratedWeight, model.minCoverage * totalWeight)) return null;
    return roundHalfAwayFromZero(100 * (weighted - ratedWeight) / (4 * ratedWeight), 1);
  }
  function recommend(score, model) {
    if (score === null) return "Needs ratings";
    if (gte(score, model.pursueAt)) return "Pursue";
    if (gte(score, model.nurtureAt)) return "Nurture";
    return "Pass";
  }
  function rankScores(scores) {
    const numeric = scores.filter((s) => s !== null);
    return scores.map((s) => s === null ? null : 1 + numeric.filter((other) => compareNumbers(other, s) > 0).length);
  }

  // src/domain/ryg.ts
  function rygStatus(actual, target, direction, yellowBand) {
    if (actual === null || actual === void 0 || target === null || target === void 0) return null;
    if (direction === "lower") {
      if (lte(actual, target)) return "Green";
      return lte(actual, target * (1 + yellowBand)) ? "Yellow" : "Red";
    }
    if (gte(actual, target)) return "Green";
    return gte(actual, target * (1 - yellowBand)) ? "Yellow" : "Red";
  }

  // apps-script/src/sheet.ts
  function services() {
    return globalThis;
  }

  // apps-script/src/main.ts
  var SCORING_TAB = "Partner Scoring";
  var HEADER_ROWS = 2;
  function toNumberOrNull(value) {
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  }
  function flat(values) {
    return Array.isArray(values) ? values.flat(2) : [values];
  }
  function PN_SCORE(ratings, weights, minCoverage = 0.5) {
    const r = flat(ratings);
    const w = flat(weights).map((v) => toNumberOrNull(v) ?? 0);
    const model = {
      criteria: w.map((weight, i) => ({ key: String(i), weight })),
      pursueAt: 0,
      nurtureAt: 0,
      minCoverage: toNumberOrNull(minCoverage) ?? 0.5
    };
    const score = partnerScore(Object.fromEntries(r.map((v, i) => [String(i), v])), model);
    return score ?? "";
  }
  function PN_RECOMMEND(score, pursueAt, nurtureAt) {
    return recommend(toNumberOrNull(score), { pursueAt: toNumberOrNull(pursueAt) ?? 70, nurtureAt: toNumberOrNull(nurtureAt) ?? 45 });
  }
  function PN_RYG(actual, target, direction = "higher", band = 0.2) {
    const status = rygStatus(
      actual === "" ? null : toNumberOrNull(actual),
      target === "" ? null : toNumberOrNull(target),
      direction === "lower" ? "lower" : "higher",
      toNumberOrNull(band) ?? 0.2
    );
    return status ?? "";
  }
  function recalculateScores() {
    const { SpreadsheetApp, LockService } = services();
    const lock = LockService.getDocumentLock();
    if (!lock.tryLock(3e4)) throw new Error("Another Partnernomics run is in progress; try again in a minute.");
    try {
      const book = SpreadsheetApp.getActiveSpreadsheet();
      const sheet = book.getSheetByName(SCORING_TAB);
      if (!sheet) throw new Error(`The "${SCORING_TAB}" tab is missing; reinstall the workbook.`);
      const lastRow = sheet.getLastRow();
      const lastCol = sheet.getLastColumn();
      const all = sheet.getRange(1, 1, Math.max(lastRow, HEADER_ROWS), lastCol).getValues();
      const header = (all[0] ?? []).map(String);
      const weightsRow = all[1] ?? [];
      const col = (name) => header.indexOf(name);
      const scoreCol = col("Score");
      const rankCol = col("Rank");
      const recCol = col("Recommendation");
      const nameCol = col("Partner");
      const firstRating = col("Example") + 1;
      const lastRating = col("Rated weight") - 1;
      if ([scoreCol, rankCol, recCol, nameCol].some((c) => c < 0) || lastRating < firstRating) {
        throw new Error("The Partner Scoring headers were changed; reinstall the workbook to restore them.");
      }
      const settings = (name, fallback) => toNumberOrNull(book.getRangeByName(name)?.getValues()[0]?.[0]) ?? fallback;
      const model = {
        criteria: header.slice(firstRating, lastRating + 1).map((key, i) => ({
          key,
          weight: toNumberOrNull(weightsRow[firstRating + i]) ?? 0
        })),
        pursueAt: settings("PursueAt", 70),
        nurtureAt: settings("NurtureAt", 45),
        minCoverage: settings("MinCoverage", 0.5)
      };
      const rows = all.slice(HEADER_ROWS).filter((row) => String(row[nameCol] ?? "") !== "");
      const scores = rows.map(
        (row) => partnerScore(Object.fromEntries(model.criteria.map((c, i) => [c.key, row[firstRating + i]])), model)
      );
      const ranks = rankScores(scores);
      const summary = { partners: rows.length, Pursue: 0, Nurture: 0, Pass: 0, "Needs ratings": 0 };
      const dataRows = all.length - HEADER_ROWS;
      if (dataRows > 0 && rankCol === scoreCol + 1 && recCol === rankCol + 1) {
        const target = sheet.getRange(HEADER_ROWS + 1, scoreCol + 1, dataRows, 3);
        const formulas = target.getFormulas();
        const out = all.slice(HEADER_ROWS).map((row, r) => {
          const i = rows.indexOf(row);
          const computed = i < 0 ? ["", "", ""] : [scores[i] ?? "", ranks[i] ?? "", recommend(scores[i] ?? null, model)];
          return computed.map((value, c) => formulas[r]?.[c] || value);
        });
        target.setValues(out);
      }
      for (const score of scores) summary[recommend(score, model)] += 1;
      SpreadsheetApp.flush();
      book.toast(
        `${summary.partners} partners: ${summary.Pursue} Pursue, ${summary.Nurture} Nurture, ${summary.Pass} Pass, ${summary["Needs ratings"]} need ratings.`,
        "Partnernomics"
      );
      return summary;
    } finally {
      lock.releaseLock();
    }
  }
  function about() {
    services().SpreadsheetApp.getUi().alert(
      "Partnernomics \u2014 the partner program workbook. Scores, ranks and statuses are computed by the formulas on each tab; weights and thresholds live on Settings. Recalculate scores re-applies them to every partner in one pass."
    );
  }
  function onOpen() {
    services().SpreadsheetApp.getUi().createMenu("Partnernomics").addItem("Recalculate scores", "recalculateScores").addSeparator().addItem("About", "about").addToUi();
  }
  return __toCommonJS(main_exports);
})();


function onOpen() { return Partnernomics.onOpen.apply(null, arguments); }

function about() { return Partnernomics.about.apply(null, arguments); }

function recalculateScores() { return Partnernomics.recalculateScores.apply(null, arguments); }
/** Partner score 0–100 from 1–5 ratings and weights. @customfunction */
function PN_SCORE() { return Partnernomics.PN_SCORE.apply(null, arguments); }
/** Pursue, Nurture, Pass or Needs ratings for a score. @customfunction */
function PN_RECOMMEND() { return Partnernomics.PN_RECOMMEND.apply(null, arguments); }
/** Green, Yellow or Red for an actual against a target. @customfunction */
function PN_RYG() { return Partnernomics.PN_RYG.apply(null, arguments); }
