package io.uptake.letter;

import io.uptake.template.LetterText;

import java.time.LocalDate;
import java.util.List;

/**
 * Everything one printed letter shows, in the order of an NHS letter: the practice (name, address, phone) at the
 * top right, the patient's name and address in the window at the left, the date, the NHS number, then the words.
 */
record Letter(String practiceName, List<String> practiceAddress, String practicePhone, String patientName,
              List<String> patientAddress, String nhsNumber, LocalDate date, LetterText text) {
}
