// A student's dx, dgamma, dbeta read from files (see array_file.h) or one .npz archive, fitted
// to the session's shape. Shared by `bnflow-cli check` and the GUI's "Check my gradient".
#pragma once

#include <core/teach/check.h>

namespace bnflow {

struct StudentFiles {
    std::optional<std::string> dx, dgamma, dbeta;  // one file each
    std::optional<std::string> npz;                // or the arrays dx, dgamma, dbeta of one archive
};

struct StudentLoad {
    std::optional<StudentGradients> gradients;  // set exactly when problem.what is empty
    Problem problem;  // where: "FILE" or "FILE: dx.npy header"; what is wrong and expected
    bool ok() const { return gradients.has_value(); }
};

// dx must be rows x cols (or rows x C x L from an .npy, C = paramCols, L = cols / C); dgamma
// and dbeta (paramCols,) or (1, paramCols): paramCols is C in a spatial session, else cols. From an archive, members
// other than dx, dgamma, dbeta are ignored (the session may share it) but one of the three
// must be there.
// A tensor read from an .npy of dtype float32 is a float32 answer; one read from a text file
// (.csv, .tsv, .json) is one when textDtype is F32 (the user says so: `check --dtype f32`).
StudentLoad loadStudentFiles(const StudentFiles& files, Eigen::Index rows, Eigen::Index cols,
                             Eigen::Index paramCols, Dtype textDtype = Dtype::F64);

}  // namespace bnflow
