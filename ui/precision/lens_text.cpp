#include <precision/lens_text.h>

#include <core/teach/catalogue.h>

#include <QObject>

#include <cmath>

namespace bnflow::ui {
namespace {

QString number(double v)
{
    return v == 0 ? QStringLiteral("0") : QString::number(v, 'e', 2);
}

}  // namespace

QString typeTitle(NumberType type)
{
    switch (type) {
    case NumberType::BF16: return QObject::tr("bfloat16");
    case NumberType::F16: return QObject::tr("float16");
    case NumberType::F32: return QObject::tr("float32");
    default: return QObject::tr("float64");
    }
}

QString lensTitle(NumberType type, std::optional<NumberType> accumulate)
{
    return QObject::tr("%1, sums in %2").arg(typeTitle(type), typeTitle(accumulate.value_or(type)));
}

QString quantityTitle(std::string_view id)
{
    return QString::fromStdString(labelWithSymbol(quantity(id)));
}

QString errorText(const QuantityError& q)
{
    if (q.overflowed)
        return QObject::tr("overflow");
    if (!std::isfinite(q.error))
        return QObject::tr("not finite");
    return q.afterOverflow ? QObject::tr("%1 (meaningless)").arg(number(q.error)) : number(q.error);
}

QString growthText(const QuantityError& q)
{
    if (q.vanishes || !std::isfinite(q.error) || q.inputError <= 0 || !std::isfinite(q.inputError))
        return {};
    const double growth = q.error / q.inputError;
    return QStringLiteral("× %1").arg(growth >= 10 ? QString::number(growth, 'f', 0) : QString::number(growth, 'g', 2));
}

QString stepNote(const PrecisionReport& report, std::string_view id, const QString& lens)
{
    if (!report.ok())
        return QObject::tr("Precision lens (%1): the float64 reference cannot be computed.").arg(lens);
    const QuantityError* q = report.find(id);
    if (!q)
        return QObject::tr("Precision lens (%1): this step is not computed in this layer.").arg(lens);
    if (q->overflowed)
        return QObject::tr("Precision lens (%1): this step overflows, beyond %2, the largest %3; "
                           "every value computed from it is meaningless.")
            .arg(lens, QString::number(largestFinite(report.type), 'g', 6), typeTitle(report.type));
    if (q->afterOverflow)
        return QObject::tr("Precision lens (%1): computed from %2, which overflowed: %3, and meaningless.")
            .arg(lens, quantityTitle(report.overflow.value_or(q->id)),
                 std::isfinite(q->error) ? QObject::tr("error %1").arg(number(q->error)) : QObject::tr("not finite"));
    QString note = q->vanishes
                       ? QObject::tr("Precision lens (%1): %2 is 0 in exact math; its absolute error against float64 is %3.")
                             .arg(lens, quantityTitle(id), number(q->error))
                       : QObject::tr("Precision lens (%1): error against float64 %2, its inputs' %3.")
                             .arg(lens, number(q->error), number(q->inputError));
    if (q->born)
        note += QObject::tr(" The error is born here: more than %1 times what it reads and %1 roundings of the type.")
                    .arg(kBirthFactor);
    else if (report.birth)
        note += QObject::tr(" The error is born at %1.").arg(quantityTitle(*report.birth));
    return note;
}

QString overflowMessage(const PrecisionReport& report)
{
    if (!report.overflow)
        return {};
    return QObject::tr("In %1, %2 overflows: a value beyond %3, the largest %1. Every value computed from it is "
                       "meaningless; the lens shows it as \"overflow\", the tables keep float64.")
        .arg(typeTitle(report.type), quantityTitle(*report.overflow), QString::number(largestFinite(report.type), 'g', 6));
}

QString summaryText(const PrecisionReport& report, const QString& lens)
{
    if (!report.ok())
        return QObject::tr("%1: the float64 reference cannot be computed, so there is nothing to measure against.").arg(lens);
    const auto error = [&](const char* id) {
        const QuantityError* q = report.find(id);
        return q ? errorText(*q) : QStringLiteral("–");
    };
    QString text = QObject::tr("<b>%1</b>, error against float64 (max |error| / max |float64 value|): "
                               "y %2, dx %3, dgamma %4, dbeta %5.")
                       .arg(lens, error("y"), error("dx"), error("dgamma"), error("dbeta"));
    if (report.birth) {
        const QuantityError* born = report.find(*report.birth);
        text += QLatin1String("<br>") +
                (born && born->overflowed
                     ? QObject::tr("The error is born at <b>%1</b>, which overflows.").arg(quantityTitle(*report.birth).toHtmlEscaped())
                     : QObject::tr("The error is born at <b>%1</b>: %2 against its inputs' %3.")
                           .arg(quantityTitle(*report.birth).toHtmlEscaped(), number(born ? born->error : 0),
                                number(born ? born->inputError : 0)));
    } else
        text += QLatin1String("<br>") +
                QObject::tr("No step multiplies its error by more than %1: the rounding of the type, step by step.").arg(kBirthFactor);
    return text;
}

}  // namespace bnflow::ui
