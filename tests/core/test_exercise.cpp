// Exercise mode in core: the "exercise" key of the session file (round trip, every bad field
// named), what is hidden, the verdict on a prediction, the masks of the plugged-in line and the
// results CSV, and an injected mistake caught by the gradient check and the invariants.
#include <core/teach/catalogue.h>
#include <core/model/exercise.h>
#include <core/teach/inject.h>
#include <core/teach/family_report.h>
#include <core/io/session_json.h>

#include <QtTest>

using namespace bnflow;

namespace {

// The contract's 2 x 3 example with an "exercise" value spliced in.
std::string withExercise(const std::string& exercise)
{
    return R"({"format": "bnflow-session", "version": 1,
  "x": [[1.0, 2.0, 3.0], [4.0, 5.5, 6.0]], "gamma": [1.0, 0.5, 2.0], "beta": [0.0, 0.1, -0.3],
  "eps": 1e-5, "dout": [[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]], "later": {"kept": true},
  "exercise": )" + exercise + "}";
}

const char* kFullExercise = R"({
  "hidden": [{"quantity": "dvar", "cells": [[0, 1], [0, 2]]}, {"quantity": "dx", "cells": "all"}],
  "predictions": [{"quantity": "dvar", "cell": [0, 1], "value": -0.25, "revealed": true},
                  {"quantity": "dx", "cell": [1, 0], "value": 0.5}],
  "locked": true, "inject": "mean_path_missing"})";

}  // namespace

class TestExercise : public QObject {
    Q_OBJECT
private slots:
    void roundTripKeepsEverything();
    void renamedRmsNormIdsAreRead();
    void sessionWithoutExerciseWritesNone();
    void badField_data();
    void badField();
    void hiddenAndRevealed();
    void edits();
    void predictionVerdict_data();
    void predictionVerdict();
    void pluggedInShowsQuestionMarks();
    void resultsCsvLeavesHiddenValuesOut();
    void injectedMistakeIsExposed_data();
    void injectedMistakeIsExposed();
};

void TestExercise::roundTripKeepsEverything()
{
    const SessionLoad load = parseSession(withExercise(kFullExercise));
    QVERIFY2(load.ok(), load.problems.empty() ? "" : formatProblem(load.problems.front()).c_str());
    const Exercise& e = load.session->exercise;
    QCOMPARE(e.hidden.size(), std::size_t(2));
    QCOMPARE(e.hidden[0].quantity, std::string("dvar"));
    QCOMPARE(e.hidden[0].cells.size(), std::size_t(2));
    QVERIFY(e.hidden[1].all);
    QCOMPARE(e.predictions.size(), std::size_t(2));
    QCOMPARE(e.predictions[0].value, -0.25);
    QVERIFY(e.predictions[0].revealed);
    QVERIFY(!e.predictions[1].revealed);
    QVERIFY(e.locked);
    QCOMPARE(e.inject, std::string("mean_path_missing"));

    const std::string written = writeSession(*load.session);
    QVERIFY(written.find("\"later\": {\"kept\":true}") != std::string::npos);  // unknown key kept
    const SessionLoad again = parseSession(written);
    QVERIFY(again.ok());
    QVERIFY(again.session->exercise == e);
    QCOMPARE(writeSession(*again.session), written);  // stable
}

void TestExercise::sessionWithoutExerciseWritesNone()
{
    std::string text = withExercise("{}");
    const SessionLoad load = parseSession(text);
    QVERIFY(load.ok());
    QVERIFY(load.session->exercise.empty());
    QVERIFY(writeSession(*load.session).find("exercise") == std::string::npos);
}

void TestExercise::badField_data()
{
    QTest::addColumn<QString>("exercise");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("what");  // a part of the message
    QTest::newRow("not an object") << "[1]" << "exercise" << "expected an object";
    QTest::newRow("unknown key") << R"({"hiden": []})" << "exercise.hiden" << "not a key";
    QTest::newRow("hidden not an array") << R"({"hidden": 3})" << "exercise.hidden" << "expected an array";
    QTest::newRow("hidden item not an object") << R"({"hidden": [1]})" << "exercise.hidden[0]" << "expected an object";
    QTest::newRow("quantity missing") << R"({"hidden": [{"cells": "all"}]})" << "exercise.hidden[0].quantity" << "missing";
    QTest::newRow("quantity not a string") << R"({"hidden": [{"quantity": 3, "cells": "all"}]})"
                                           << "exercise.hidden[0].quantity" << "a number";
    QTest::newRow("quantity unknown") << R"({"hidden": [{"quantity": "dvra", "cells": "all"}]})"
                                      << "exercise.hidden[0].quantity" << "not a quantity";
    QTest::newRow("quantity an input") << R"({"hidden": [{"quantity": "x", "cells": "all"}]})"
                                       << "exercise.hidden[0].quantity" << "input";
    QTest::newRow("quantity twice") << R"({"hidden": [{"quantity": "dvar", "cells": "all"}, {"quantity": "dvar", "cells": [[0, 0]]}]})"
                                    << "exercise.hidden[1].quantity" << "twice";
    QTest::newRow("fused dx beside dx") << R"({"hidden": [{"quantity": "dx", "cells": "all"}, {"quantity": "fused_dx", "cells": "all"}]})"
                                        << "exercise.hidden[1].quantity" << "twice";
    QTest::newRow("unknown key in an item") << R"({"hidden": [{"quantity": "dvar", "cells": "all", "colour": 1}]})"
                                            << "exercise.hidden[0].colour" << "not a key";
    QTest::newRow("cells missing") << R"({"hidden": [{"quantity": "dvar"}]})" << "exercise.hidden[0].cells" << "missing";
    QTest::newRow("cells a word") << R"({"hidden": [{"quantity": "dvar", "cells": "some"}]})"
                                  << "exercise.hidden[0].cells" << "\"all\"";
    QTest::newRow("cells empty") << R"({"hidden": [{"quantity": "dvar", "cells": []}]})"
                                 << "exercise.hidden[0].cells" << "non-empty";
    QTest::newRow("cell not a pair") << R"({"hidden": [{"quantity": "dvar", "cells": [[0]]}]})"
                                     << "exercise.hidden[0].cells[0]" << "[row, column]";
    QTest::newRow("cell negative") << R"({"hidden": [{"quantity": "dx", "cells": [[-1, 0]]}]})"
                                   << "exercise.hidden[0].cells[0][0]" << "integer >= 0";
    QTest::newRow("cell a fraction") << R"({"hidden": [{"quantity": "dx", "cells": [[0, 1.5]]}]})"
                                     << "exercise.hidden[0].cells[0][1]" << "integer >= 0";
    QTest::newRow("cell beyond a per-feature quantity") << R"({"hidden": [{"quantity": "dvar", "cells": [[1, 0]]}]})"
                                                        << "exercise.hidden[0].cells[0]" << "1 x 3";
    QTest::newRow("cell beyond the batch") << R"({"hidden": [{"quantity": "dx", "cells": [[0, 0], [2, 0]]}]})"
                                           << "exercise.hidden[0].cells[1]" << "2 x 3";
    QTest::newRow("predictions not an array") << R"({"predictions": {}})" << "exercise.predictions" << "expected an array";
    QTest::newRow("prediction value missing") << R"({"predictions": [{"quantity": "dvar", "cell": [0, 0]}]})"
                                              << "exercise.predictions[0].value" << "missing";
    QTest::newRow("prediction value a string") << R"({"predictions": [{"quantity": "dvar", "cell": [0, 0], "value": "1"}]})"
                                               << "exercise.predictions[0].value" << "finite number";
    QTest::newRow("prediction cell outside") << R"({"predictions": [{"quantity": "dvar", "cell": [0, 3], "value": 1.0}]})"
                                             << "exercise.predictions[0].cell" << "outside";
    QTest::newRow("prediction revealed not a boolean") << R"({"predictions": [{"quantity": "dvar", "cell": [0, 0], "value": 1.0, "revealed": 1}]})"
                                                       << "exercise.predictions[0].revealed" << "true or false";
    QTest::newRow("prediction twice") << R"({"predictions": [{"quantity": "dvar", "cell": [0, 0], "value": 1.0}, {"quantity": "dvar", "cell": [0, 0], "value": 2.0}]})"
                                      << "exercise.predictions[1].cell" << "second prediction";
    QTest::newRow("locked not a boolean") << R"({"locked": "yes"})" << "exercise.locked" << "true or false";
    QTest::newRow("inject unknown") << R"({"inject": "off_by_one"})" << "exercise.inject" << "mean_path_missing";
    QTest::newRow("inject not a string") << R"({"inject": 2})" << "exercise.inject" << "known mistakes";
}

void TestExercise::badField()
{
    QFETCH(QString, exercise);
    QFETCH(QString, where);
    QFETCH(QString, what);
    const SessionLoad load = parseSession(withExercise(exercise.toStdString()));
    QVERIFY(!load.ok());
    QCOMPARE(load.problems.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(load.problems.front().where), where);
    QVERIFY2(QString::fromStdString(load.problems.front().what).contains(what),
             load.problems.front().what.c_str());
}

void TestExercise::hiddenAndRevealed()
{
    const Exercise e = parseSession(withExercise(kFullExercise)).session->exercise;
    QVERIFY(!e.isHidden("dvar", 0, 0));  // not listed
    QVERIFY(!e.isHidden("dvar", 0, 1));  // revealed
    QVERIFY(e.isHidden("dvar", 0, 2));
    QVERIFY(e.isHidden("dx", 1, 2));       // "all"
    QVERIFY(e.isHidden("fused_dx", 1, 2)); // the same values under another name
    QVERIFY(!e.isHidden("dgamma", 0, 0));
    QVERIFY(e.hidesAny("dvar"));
    QVERIFY(!e.hidesAny("dmean"));
}

void TestExercise::edits()
{
    Exercise e = withCellsHidden({}, "dxhat", {{0, 0}, {1, 2}, {0, 0}});
    QCOMPARE(e.hidden.size(), std::size_t(1));
    QCOMPARE(e.hidden[0].cells.size(), std::size_t(2));  // no repeats
    e = withPrediction(e, "dxhat", {1, 2}, 0.5);
    e = withRevealed(e, "dxhat", {1, 2});
    QVERIFY(!e.isHidden("dxhat", 1, 2));
    e = withCellsHidden(e, "dxhat", {{1, 2}});  // asked again
    QVERIFY(e.isHidden("dxhat", 1, 2));
    e = withUnhidden(e, "dxhat", {{1, 2}});
    QVERIFY(!e.isHidden("dxhat", 1, 2));
    QVERIFY(e.predictions.empty());  // its prediction forgotten with it
    QVERIFY(e.isHidden("dxhat", 0, 0));
    e = withAllHidden(e, "fused_dgamma");
    QCOMPARE(e.hidden.back().quantity, std::string("dgamma"));
    e = withUnhidden(e, "dgamma");
    e = withUnhidden(e, "dxhat");
    QVERIFY(e.empty());
}

void TestExercise::predictionVerdict_data()
{
    QTest::addColumn<double>("predicted");
    QTest::addColumn<double>("right");
    QTest::addColumn<double>("scale");
    QTest::addColumn<int>("verdict");
    QTest::newRow("four digits") << -0.2501 << -0.25012 << 0.5 << int(PredictionVerdict::Right);
    QTest::newRow("zero for rounding noise") << 0.0 << 3e-17 << 2.0 << int(PredictionVerdict::Right);
    QTest::newRow("within a few percent") << 0.26 << 0.25 << 0.5 << int(PredictionVerdict::Close);
    QTest::newRow("wrong sign") << 0.25 << -0.25 << 0.5 << int(PredictionVerdict::Wrong);
    QTest::newRow("not finite") << qInf() << 0.25 << 0.5 << int(PredictionVerdict::Wrong);
}

void TestExercise::predictionVerdict()
{
    QFETCH(double, predicted);
    QFETCH(double, right);
    QFETCH(double, scale);
    QFETCH(int, verdict);
    QCOMPARE(int(judgePrediction(predicted, right, scale)), verdict);
}

void TestExercise::pluggedInShowsQuestionMarks()
{
    Session s = *parseSession(withExercise("{}")).session;
    const Analysis a = *analyze(s).analysis;
    const Step& dvar = *findStep("dvar");
    const Step& dxhat = *findStep("dxhat");
    const std::string shown = pluggedIn(dvar, s, a, 1);
    s.exercise = withCellsHidden({}, "dvar", {{0, 1}});
    s.exercise = withCellsHidden(s.exercise, "dxhat", {{1, 1}});
    const std::string hidden = pluggedIn(dvar, s, a, 1);
    QVERIFY(hidden.ends_with("= ?"));
    QCOMPARE(hidden.substr(0, hidden.size() - 1), shown.substr(0, hidden.size() - 1));
    QCOMPARE(pluggedIn(dvar, s, a, 0), pluggedIn(dvar, parseSession(withExercise("{}")).session.value(), a, 0));
    // dxhat's column at feature 1: the second sample is hidden, the first is not.
    const std::string column = pluggedIn(dxhat, s, a, 1);
    QVERIFY2(column.ends_with(", ?]"), column.c_str());
}

void TestExercise::resultsCsvLeavesHiddenValuesOut()
{
    Session s = *parseSession(withExercise("{}")).session;
    const FamilyAnalysis a = *analyzeFamily(s).analysis;
    const std::string full = familyResultsCsv(s, a);
    s.exercise = withCellsHidden({}, "dvar", {{0, 2}});
    s.exercise = withAllHidden(s.exercise, "dx");
    const std::string masked = familyResultsCsv(s, a);
    QVERIFY(masked.find("\ndvar,,2,\n") != std::string::npos);
    QVERIFY(masked.find("\ndx,1,2,\n") != std::string::npos);
    QVERIFY(masked.find("\nfused_dx,0,0,\n") != std::string::npos);
    QVERIFY2(masked.find("\ndvar,,1,") != std::string::npos && masked.find("\ndvar,,1,\n") == std::string::npos, masked.substr(masked.find("\ndvar"), 80).c_str());
    // Every line of dx and of the fused dx ends without a value; the full CSV had them.
    std::size_t dxLines = 0;
    for (std::size_t at = masked.find('\n'); at != std::string::npos && at + 1 < masked.size();
         at = masked.find('\n', at + 1)) {
        const std::string line = masked.substr(at + 1, masked.find('\n', at + 1) - at - 1);
        if (line.starts_with("dx,") || line.starts_with("fused_dx,")) {
            ++dxLines;
            QVERIFY2(line.ends_with(","), line.c_str());
        }
    }
    QCOMPARE(dxLines, std::size_t(12));
    QVERIFY(full.find("\ndx,1,2,\n") == std::string::npos);
    QVERIFY(masked.size() < full.size());
}

void TestExercise::injectedMistakeIsExposed_data()
{
    QTest::addColumn<QString>("mistake");
    QTest::addColumn<bool>("columnsBroken");
    // The mean path carries what makes each column sum to 0; gamma missing keeps that shape.
    QTest::newRow("mean path missing") << "mean_path_missing" << true;
    QTest::newRow("only the direct path") << "only_direct_path" << true;
    QTest::newRow("gamma not applied") << "gamma_not_applied" << false;
}

void TestExercise::injectedMistakeIsExposed()
{
    QFETCH(QString, mistake);
    QFETCH(bool, columnsBroken);
    const Session s = *parseSession(withExercise("{}")).session;
    const InjectOutcome outcome = injectMistake(s, mistake.toStdString());
    QVERIFY(outcome.ok());
    const InjectedMistake& r = *outcome.result;
    QCOMPARE(QString::fromUtf8(r.mistake->name.data(), qsizetype(r.mistake->name.size())), mistake);
    // The wrong dx is the mistake's own candidate (mistakes.h), not recomputed here.
    bool found = false;
    for (const MistakeCandidate& c : mistakeCandidates(s))
        found = found || (c.mistake == r.mistake && c.dx == r.wrong.dx);
    QVERIFY(found);
    QVERIFY(r.gradCheckFails);
    QVERIFY(r.scaledErrorDx > 1e-3);
    QCOMPARE(!r.brokenColumns.empty(), columnsBroken);
    // The right dx passes both tests.
    const Analysis a = *analyze(s).analysis;
    for (Eigen::Index j = 0; j < 3; ++j)
        QVERIFY(std::abs(a.staged.dx.col(j).sum()) <= kColumnSumTolerance * a.staged.dx.col(j).cwiseAbs().sum());
    QVERIFY(!injectMistake(s, "no_such_mistake").ok());
}

// RMSNorm's path through the mean square was "dx_via_var" in files saved before it had its own
// name: such an exercise still hides and predicts it, and is written back as dx_via_ms.
void TestExercise::renamedRmsNormIdsAreRead()
{
    std::string text = withExercise(R"({"hidden": [{"quantity": "dx_via_var", "cells": "all"}],
        "predictions": [{"quantity": "dx_via_var", "cell": [1, 2], "value": 0.5}]})");
    text.insert(text.rfind('}'), R"(, "layer": "rmsnorm")");
    const SessionLoad load = parseSession(text);
    QVERIFY2(load.ok(), load.ok() ? "" : formatProblem(load.problems.front()).c_str());
    QCOMPARE(load.session->exercise.hidden.at(0).quantity, std::string("dx_via_ms"));
    QCOMPARE(load.session->exercise.predictions.at(0).quantity, std::string("dx_via_ms"));
    QVERIFY(load.session->exercise.isHidden("dx_via_ms", 1, 2));
    const SessionLoad again = parseSession(writeSession(*load.session));
    QVERIFY(again.ok());
    QCOMPARE(again.session->exercise.hidden.at(0).quantity, std::string("dx_via_ms"));
    // Batch norm keeps its own dx_via_var.
    const SessionLoad batch = parseSession(withExercise(R"({"hidden": [{"quantity": "dx_via_var", "cells": "all"}]})"));
    QVERIFY(batch.ok());
    QCOMPARE(batch.session->exercise.hidden.at(0).quantity, std::string("dx_via_var"));
}

QTEST_GUILESS_MAIN(TestExercise)
#include "test_exercise.moc"
