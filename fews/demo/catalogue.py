"""The synthetic drug market behind ``fews demo``, as data.

Everything the generator draws from lives here and nowhere else: substances with their
structures and expected Hill formulas, the established market (products, their weekly volumes
and seasonality), the emerging NPS families that rise in waves, the pool of one-off novel
substances, and the places, agencies and regions that submit or report.

Structures were written by hand. ``tests/fews/test_demo_generator.py`` checks every SMILES
against its expected formula (and, where stereochemistry matters, its InChIKey), so a typo in
either shows up as a failing test.

The scenario is anchored in absolute time (see :data:`WAVES`) so that generating a later end
date never changes the weeks already generated.

References
----------
FEWS DESIGN.md sections 3, 5 and 9 ("evaluation replays should look like reality").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------
# Substances
# --------------------------------------------------------------------------------------------

MEMBER = "{member}"
"""Placeholder in a :class:`Product`: the wave member drawn for the sample."""

UNIDENTIFIED_NAMES: tuple[str, ...] = (
    "unknown white powder",
    "unidentified compound",
    "unknown brown powder",
    "unidentified component",
)
"""Names laboratories give to components they could not identify (no structure, role ``unknown``)."""


@dataclass(frozen=True)
class Substance:
    """One substance of the synthetic market.

    Parameters
    ----------
    name
        The name a laboratory would report (``component_name``).
    smiles
        Structure, with stereochemistry where it matters (racemates are written without).
    formula
        Expected Hill formula, checked against RDKit by the tests.
    category
        Pharmacological/chemical class (``opioid``, ``cathinone``, ``synthetic_cannabinoid`` ...).
    family
        Key of the emerging wave family (:data:`WAVES`) the substance belongs to, else ``""``.
    synonyms
        Other names in common use.
    inchikey
        Expected full InChIKey where stereochemistry matters, else ``""``.
    name_only
        Well-known name that laboratories sometimes report without a structure, so that name
        resolution is exercised.
    """

    name: str
    smiles: str
    formula: str
    category: str
    family: str = ""
    synonyms: tuple[str, ...] = ()
    inchikey: str = ""
    name_only: bool = False


def _s(name: str, smiles: str, formula: str, category: str, **kw: object) -> Substance:
    return Substance(name, smiles, formula, category, **kw)  # type: ignore[arg-type]


_ESTABLISHED: tuple[Substance, ...] = (
    # stimulants
    _s(
        "cocaine",
        "COC(=O)[C@H]1[C@@H](OC(=O)c2ccccc2)C[C@@H]2CC[C@H]1N2C",
        "C17H21NO4",
        "stimulant",
        synonyms=("benzoylmethylecgonine",),
        inchikey="ZPUCINDJVBIVPJ-LJISPDSOSA-N",
        name_only=True,
    ),
    _s("amphetamine", "CC(N)Cc1ccccc1", "C9H13N", "stimulant", synonyms=("speed",)),
    _s(
        "methamphetamine",
        "CN[C@@H](C)Cc1ccccc1",
        "C10H15N",
        "stimulant",
        synonyms=("crystal meth",),
        inchikey="MYWUZJCMWCOHBA-VIFPVBQESA-N",
    ),
    _s(
        "MDMA",
        "CNC(C)Cc1ccc2c(c1)OCO2",
        "C11H15NO2",
        "stimulant",
        synonyms=("3,4-methylenedioxymethamphetamine",),
        name_only=True,
    ),
    _s("mephedrone", "CNC(C)C(=O)c1ccc(C)cc1", "C11H15NO", "cathinone", synonyms=("4-MMC",)),
    _s(
        "MDPV",
        "CCCC(N1CCCC1)C(=O)c1ccc2c(c1)OCO2",
        "C16H21NO3",
        "cathinone",
        synonyms=("methylenedioxypyrovalerone",),
    ),
    _s(
        "α-PHP",
        "CCCCC(N1CCCC1)C(=O)c1ccccc1",
        "C16H23NO",
        "cathinone",
        synonyms=("alpha-PHP", "alpha-pyrrolidinohexiophenone"),
    ),
    # opioids
    _s(
        "diamorphine",
        "CC(=O)O[C@H]1C=C[C@H]2[C@H]3Cc4ccc(OC(C)=O)c5O[C@@H]1[C@]2(CCN3C)c45",
        "C21H23NO5",
        "opioid",
        synonyms=("heroin", "diacetylmorphine"),
        inchikey="GVGLGOZIDCSQPN-PVHGPHFFSA-N",
        name_only=True,
    ),
    _s("methadone", "CCC(=O)C(CC(C)N(C)C)(c1ccccc1)c1ccccc1", "C21H27NO", "opioid"),
    _s(
        "buprenorphine",
        "CO[C@]12CC[C@@]3(C[C@@H]1[C@](C)(O)C(C)(C)C)[C@H]1Cc4ccc(O)c5O[C@@H]2[C@]3(CCN1CC1CC1)c45",
        "C29H41NO4",
        "opioid",
        inchikey="RMRJXGBAOAMLHD-IHFGGWKQSA-N",
    ),
    _s(
        "oxycodone",
        "COc1ccc2C[C@H]3N(C)CC[C@@]45[C@@H](Oc1c24)C(=O)CC[C@@]35O",
        "C18H21NO4",
        "opioid",
        inchikey="BRUQQQPBMZOVGD-XFKAJCMBSA-N",
    ),
    _s("tramadol", "CN(C)CC1CCCCC1(O)c1cccc(OC)c1", "C16H25NO2", "opioid"),
    # cannabis
    _s(
        "THC",
        "CCCCCc1cc(O)c2c(c1)OC(C)(C)[C@@H]1CCC(C)=C[C@@H]21",
        "C21H30O2",
        "cannabinoid",
        synonyms=("delta-9-tetrahydrocannabinol", "dronabinol"),
        inchikey="CYQFCXCEBYINGO-IAGOWNOFSA-N",
    ),
    _s(
        "cannabidiol",
        "CCCCCc1cc(O)c([C@@H]2C=C(C)CC[C@H]2C(C)=C)c(O)c1",
        "C21H30O2",
        "cannabinoid",
        synonyms=("CBD",),
        inchikey="QHMBSVQNZZTUGM-ZWKOTPCHSA-N",
    ),
    # dissociatives, hallucinogens, depressants
    _s("ketamine", "CNC1(CCCCC1=O)c1ccccc1Cl", "C13H16ClNO", "dissociative", name_only=True),
    _s(
        "LSD",
        "CCN(CC)C(=O)[C@H]1CN(C)[C@@H]2Cc3c[nH]c4cccc(c34)C2=C1",
        "C20H25N3O",
        "hallucinogen",
        synonyms=("lysergide",),
        inchikey="VAYOSLLFUXYJDT-RDTXWAMCSA-N",
    ),
    _s("psilocybin", "CN(C)CCc1c[nH]c2cccc(OP(=O)(O)O)c12", "C12H17N2O4P", "tryptamine"),
    _s("psilocin", "CN(C)CCc1c[nH]c2cccc(O)c12", "C12H16N2O", "tryptamine", synonyms=("4-HO-DMT",)),
    _s("GHB", "OCCCC(=O)O", "C4H8O3", "depressant", synonyms=("4-hydroxybutanoic acid",)),
    _s("GBL", "O=C1CCCO1", "C4H6O2", "depressant", synonyms=("gamma-butyrolactone",)),
    # medicines
    _s("diazepam", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "C16H13ClN2O", "benzodiazepine"),
    _s("alprazolam", "Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1)=NC2", "C17H13ClN4", "benzodiazepine"),
    _s("etizolam", "CCc1cc2c(s1)-n1c(C)nnc1CN=C2c1ccccc1Cl", "C17H15ClN4S", "benzodiazepine"),
    _s("zopiclone", "CN1CCN(CC1)C(=O)OC1N(c2ccc(Cl)cn2)C(=O)c2nccnc12", "C17H17ClN6O3", "hypnotic"),
    _s(
        "pregabalin",
        "CC(C)C[C@H](CN)CC(=O)O",
        "C8H17NO2",
        "gabapentinoid",
        inchikey="AYXYPKUFHZROOJ-ZETCQYMHSA-N",
    ),
    _s("gabapentin", "NCC1(CC(=O)O)CCCCC1", "C9H17NO2", "gabapentinoid"),
    _s("ethanol", "CCO", "C2H6O", "depressant", synonyms=("alcohol",)),
    # cutting agents and adulterants
    _s(
        "levamisole",
        "C1CSC2=N[C@H](CN21)c1ccccc1",
        "C11H12N2S",
        "cutting_agent",
        inchikey="HLFSDGLLUJUHTE-SNVBAGLBSA-N",
    ),
    _s("benzocaine", "CCOC(=O)c1ccc(N)cc1", "C9H11NO2", "cutting_agent"),
    _s("lidocaine", "CCN(CC)CC(=O)Nc1c(C)cccc1C", "C14H22N2O", "cutting_agent"),
    _s("procaine", "CCN(CC)CCOC(=O)c1ccc(N)cc1", "C13H20N2O2", "cutting_agent"),
    _s("phenacetin", "CCOc1ccc(NC(C)=O)cc1", "C10H13NO2", "cutting_agent"),
    _s("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", "C8H10N4O2", "cutting_agent"),
    _s("paracetamol", "CC(=O)Nc1ccc(O)cc1", "C8H9NO2", "cutting_agent", synonyms=("acetaminophen",)),
    _s("xylazine", "Cc1cccc(C)c1NC1=NCCCS1", "C12H16N2S", "sedative"),
    # reagents seen with synthetic cannabinoid "kits"
    _s("1-bromobutane", "CCCCBr", "C4H9Br", "precursor"),
    _s("5-bromopent-1-ene", "C=CCCCBr", "C5H9Br", "precursor"),
)

_NITAZENES: tuple[Substance, ...] = (
    _s(
        "isotonitazene",
        "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21",
        "C23H30N4O3",
        "opioid",
        family="nitazene",
        name_only=True,
    ),
    _s(
        "metonitazene",
        "CCN(CC)CCn1c(Cc2ccc(OC)cc2)nc2cc([N+](=O)[O-])ccc21",
        "C21H26N4O3",
        "opioid",
        family="nitazene",
        name_only=True,
    ),
    _s(
        "protonitazene",
        "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1",
        "C23H30N4O3",
        "opioid",
        family="nitazene",
        name_only=True,
    ),
    _s(
        "N-pyrrolidino etonitazene",
        "CCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1",
        "C22H26N4O3",
        "opioid",
        family="nitazene",
        synonyms=("etonitazepyne",),
    ),
    _s(
        "N-desethyl isotonitazene",
        "CCNCCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21",
        "C21H26N4O3",
        "opioid",
        family="nitazene",
    ),
    _s(
        "N-pyrrolidino protonitazene",
        "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1",
        "C23H28N4O3",
        "opioid",
        family="nitazene",
        synonyms=("protonitazepyne",),
    ),
    _s(
        "N-pyrrolidino metonitazene",
        "COc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1",
        "C21H24N4O3",
        "opioid",
        family="nitazene",
        synonyms=("metonitazepyne",),
    ),
)

_CATHINONES: tuple[Substance, ...] = (
    _s(
        "3-MMC",
        "CNC(C)C(=O)c1cccc(C)c1",
        "C11H15NO",
        "cathinone",
        family="cathinone",
        synonyms=("3-methylmethcathinone", "metaphedrone"),
        name_only=True,
    ),
    _s(
        "3-CMC",
        "CNC(C)C(=O)c1cccc(Cl)c1",
        "C10H12ClNO",
        "cathinone",
        family="cathinone",
        synonyms=("3-chloromethcathinone", "clophedrone"),
        name_only=True,
    ),
    _s(
        "4-CMC",
        "CNC(C)C(=O)c1ccc(Cl)cc1",
        "C10H12ClNO",
        "cathinone",
        family="cathinone",
        synonyms=("4-chloromethcathinone", "clephedrone"),
    ),
    _s(
        "eutylone",
        "CCNC(CC)C(=O)c1ccc2c(c1)OCO2",
        "C13H17NO3",
        "cathinone",
        family="cathinone",
        synonyms=("bk-EBDB", "N-ethylbutylone"),
        name_only=True,
    ),
    _s(
        "N-ethylpentylone",
        "CCCC(NCC)C(=O)c1ccc2c(c1)OCO2",
        "C14H19NO3",
        "cathinone",
        family="cathinone",
        synonyms=("ephylone", "bk-EPDP"),
    ),
    _s(
        "dipentylone",
        "CCCC(N(C)C)C(=O)c1ccc2c(c1)OCO2",
        "C14H19NO3",
        "cathinone",
        family="cathinone",
        synonyms=("N,N-dimethylpentylone", "bk-DMBDP"),
    ),
    _s(
        "4-CEC",
        "CCNC(C)C(=O)c1ccc(Cl)cc1",
        "C11H14ClNO",
        "cathinone",
        family="cathinone",
        synonyms=("4-chloroethcathinone",),
    ),
)

# L-tert-leucine / L-valine derived heads are (S): N[C@@H](side chain)C(=O)X.
_SCRAS: tuple[Substance, ...] = (
    _s(
        "MDMB-4en-PINACA",
        "COC(=O)[C@@H](NC(=O)c1nn(CCCC=C)c2ccccc12)C(C)(C)C",
        "C20H27N3O3",
        "synthetic_cannabinoid",
        family="scra",
        inchikey="LWOCBHBFWNGPGM-QGZVFWFLSA-N",
        name_only=True,
    ),
    _s(
        "ADB-BUTINACA",
        "CCCCn1nc(C(=O)N[C@H](C(N)=O)C(C)(C)C)c2ccccc21",
        "C18H26N4O2",
        "synthetic_cannabinoid",
        family="scra",
        inchikey="GPWADXHYJAZPAX-OAHLLOKOSA-N",
        name_only=True,
    ),
    _s(
        "ADB-4en-PINACA",
        "C=CCCCn1nc(C(=O)N[C@H](C(N)=O)C(C)(C)C)c2ccccc21",
        "C19H26N4O2",
        "synthetic_cannabinoid",
        family="scra",
    ),
    _s(
        "MDMB-INACA",
        "COC(=O)[C@@H](NC(=O)c1n[nH]c2ccccc12)C(C)(C)C",
        "C15H19N3O3",
        "synthetic_cannabinoid",
        family="scra",
        synonyms=("MDMB-INACA precursor",),
    ),
    _s(
        "ADB-INACA",
        "NC(=O)[C@@H](NC(=O)c1n[nH]c2ccccc12)C(C)(C)C",
        "C14H18N4O2",
        "synthetic_cannabinoid",
        family="scra",
    ),
    _s(
        "ADB-5'Br-BUTINACA",
        "CCCCn1nc(C(=O)N[C@H](C(N)=O)C(C)(C)C)c2cc(Br)ccc21",
        "C18H25BrN4O2",
        "synthetic_cannabinoid",
        family="scra",
        synonyms=("ADB-5Br-BUTINACA",),
    ),
    _s(
        "ADB-HEXINACA",
        "CCCCCCn1nc(C(=O)N[C@H](C(N)=O)C(C)(C)C)c2ccccc21",
        "C20H30N4O2",
        "synthetic_cannabinoid",
        family="scra",
    ),
)

# One-off novel substances written by hand (the combinatorial pool is built in novel_pool()).
_ONE_OFF_HAND: tuple[Substance, ...] = (
    # designer benzodiazepines
    _s("bromazolam", "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2", "C17H13BrN4", "benzodiazepine", name_only=True),
    _s("flubromazolam", "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1F)=NC2", "C17H12BrFN4", "benzodiazepine"),
    _s("clonazolam", "Cc1nnc2n1-c1ccc([N+](=O)[O-])cc1C(c1ccccc1Cl)=NC2", "C17H12ClN5O2", "benzodiazepine"),
    _s("flualprazolam", "Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1F)=NC2", "C17H12ClFN4", "benzodiazepine"),
    _s("flunitrazolam", "Cc1nnc2n1-c1ccc([N+](=O)[O-])cc1C(c1ccccc1F)=NC2", "C17H12FN5O2", "benzodiazepine"),
    _s("clobromazolam", "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1Cl)=NC2", "C17H12BrClN4", "benzodiazepine"),
    _s("pyrazolam", "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccn1)=NC2", "C16H12BrN5", "benzodiazepine"),
    _s(
        "4'-chlorodeschloroalprazolam",
        "Cc1nnc2n1-c1ccccc1C(c1ccc(Cl)cc1)=NC2",
        "C17H13ClN4",
        "benzodiazepine",
    ),
    _s("flubromazepam", "O=C1CN=C(c2ccccc2F)c2cc(Br)ccc2N1", "C15H10BrFN2O", "benzodiazepine"),
    _s(
        "desalkylgidazepam",
        "O=C1CN=C(c2ccccc2)c2cc(Br)ccc2N1",
        "C15H11BrN2O",
        "benzodiazepine",
        synonyms=("bromonordiazepam",),
    ),
    _s("diclazepam", "CN1C(=O)CN=C(c2ccccc2Cl)c2cc(Cl)ccc21", "C16H12Cl2N2O", "benzodiazepine"),
    _s("phenazepam", "O=C1CN=C(c2ccccc2Cl)c2cc(Br)ccc2N1", "C15H10BrClN2O", "benzodiazepine"),
    _s(
        "norfludiazepam",
        "O=C1CN=C(c2ccccc2F)c2cc(Cl)ccc2N1",
        "C15H10ClFN2O",
        "benzodiazepine",
        synonyms=("desalkylflurazepam",),
    ),
    _s("difludiazepam", "CN1C(=O)CN=C(c2c(F)cccc2F)c2cc(Cl)ccc21", "C16H11ClF2N2O", "benzodiazepine"),
    _s(
        "4-chlorodiazepam",
        "CN1C(=O)CN=C(c2ccc(Cl)cc2)c2cc(Cl)ccc21",
        "C16H12Cl2N2O",
        "benzodiazepine",
        synonyms=("Ro5-4864",),
    ),
    _s("deschloroetizolam", "CCc1cc2c(s1)-n1c(C)nnc1CN=C2c1ccccc1", "C17H16N4S", "benzodiazepine"),
    _s("nitrazolam", "Cc1nnc2n1-c1ccc([N+](=O)[O-])cc1C(c1ccccc1)=NC2", "C17H13N5O2", "benzodiazepine"),
    _s("metizolam", "CCc1cc2c(s1)-n1cnnc1CN=C2c1ccccc1Cl", "C16H13ClN4S", "benzodiazepine"),
    _s("fluclotizolam", "Clc1cc2c(s1)-n1c(C)nnc1CN=C2c1ccccc1F", "C15H10ClFN4S", "benzodiazepine"),
    _s("nifoxipam", "OC1N=C(c2ccccc2F)c2cc([N+](=O)[O-])ccc2NC1=O", "C15H10FN3O4", "benzodiazepine"),
    _s("3-hydroxyphenazepam", "OC1N=C(c2ccccc2Cl)c2cc(Br)ccc2NC1=O", "C15H10BrClN2O2", "benzodiazepine"),
    _s(
        "cloniprazepam",
        "O=C1CN=C(c2ccccc2Cl)c2cc([N+](=O)[O-])ccc2N1CC1CC1",
        "C19H16ClN3O3",
        "benzodiazepine",
    ),
    _s("gidazepam", "NNC(=O)CN1C(=O)CN=C(c2ccccc2)c2cc(Br)ccc21", "C17H15BrN4O2", "benzodiazepine"),
    _s(
        "fonazepam",
        "O=C1CN=C(c2ccccc2F)c2cc([N+](=O)[O-])ccc2N1",
        "C15H10FN3O3",
        "benzodiazepine",
        synonyms=("desmethylflunitrazepam",),
    ),
    _s("nimetazepam", "CN1C(=O)CN=C(c2ccccc2)c2cc([N+](=O)[O-])ccc21", "C16H13N3O3", "benzodiazepine"),
    _s("pinazepam", "C#CCN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "C18H13ClN2O", "benzodiazepine"),
    # opioids other than nitazenes
    _s("brorphine", "CC(c1ccc(Br)cc1)N1CCC(n2c(=O)[nH]c3ccccc32)CC1", "C20H22BrN3O", "opioid"),
    _s("2-methyl-AP-237", "CCCC(=O)N1CCN(C/C=C/c2ccccc2)CC1C", "C18H26N2O", "opioid"),
    _s("AP-237", "CCCC(=O)N1CCN(C/C=C/c2ccccc2)CC1", "C17H24N2O", "opioid", synonyms=("bucinnazine",)),
    _s("U-47700", "CN(C)C1CCCCC1N(C)C(=O)c1ccc(Cl)c(Cl)c1", "C16H22Cl2N2O", "opioid"),
    _s("AH-7921", "CN(C)C1(CNC(=O)c2ccc(Cl)c(Cl)c2)CCCCC1", "C16H22Cl2N2O", "opioid"),
    _s("MT-45", "C1CCC(CC1)N1CCN(CC1)C(Cc1ccccc1)c1ccccc1", "C24H32N2", "opioid"),
    _s("cyclopropylfentanyl", "O=C(C1CC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1", "C23H28N2O", "opioid"),
    _s("ocfentanil", "COCC(=O)N(c1ccccc1F)C1CCN(CCc2ccccc2)CC1", "C22H27FN2O2", "opioid"),
    _s("acetylfentanyl", "CC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1", "C21H26N2O", "opioid"),
    _s("furanylfentanyl", "O=C(c1ccco1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1", "C24H26N2O2", "opioid"),
    # arylcyclohexylamines and other dissociatives
    _s(
        "2F-DCK",
        "CNC1(CCCCC1=O)c1ccccc1F",
        "C13H16FNO",
        "dissociative",
        synonyms=("2-fluorodeschloroketamine",),
    ),
    _s("deschloroketamine", "CNC1(CCCCC1=O)c1ccccc1", "C13H17NO", "dissociative", synonyms=("DCK",)),
    _s("methoxetamine", "CCNC1(CCCCC1=O)c1cccc(OC)c1", "C15H21NO2", "dissociative", synonyms=("MXE",)),
    _s(
        "MXiPr",
        "CC(C)NC1(CCCCC1=O)c1cccc(OC)c1",
        "C16H23NO2",
        "dissociative",
        synonyms=("methoxisopropamine",),
    ),
    _s("O-PCE", "CCNC1(CCCCC1=O)c1ccccc1", "C14H19NO", "dissociative", synonyms=("2-oxo-PCE",)),
    _s("3-MeO-PCP", "COc1cccc(c1)C1(CCCCC1)N1CCCCC1", "C18H27NO", "dissociative"),
    _s("4-MeO-PCP", "COc1ccc(cc1)C1(CCCCC1)N1CCCCC1", "C18H27NO", "dissociative"),
    _s("3-HO-PCP", "Oc1cccc(c1)C1(CCCCC1)N1CCCCC1", "C17H25NO", "dissociative"),
    _s("3-MeO-PCE", "CCNC1(CCCCC1)c1cccc(OC)c1", "C15H23NO", "dissociative"),
    _s("diphenidine", "C(C(c1ccccc1)N1CCCCC1)c1ccccc1", "C19H23N", "dissociative"),
    _s(
        "methoxphenidine",
        "COc1ccccc1C(Cc1ccccc1)N1CCCCC1",
        "C20H25NO",
        "dissociative",
        synonyms=("2-MeO-diphenidine",),
    ),
    # phenethylamines and lysergamides
    _s("2C-B", "COc1cc(CCN)c(OC)cc1Br", "C10H14BrNO2", "hallucinogen"),
    _s("2C-I", "COc1cc(CCN)c(OC)cc1I", "C10H14INO2", "hallucinogen"),
    _s("2C-C", "COc1cc(CCN)c(OC)cc1Cl", "C10H14ClNO2", "hallucinogen"),
    _s("2C-E", "CCc1cc(OC)c(CCN)cc1OC", "C12H19NO2", "hallucinogen"),
    _s("2C-P", "CCCc1cc(OC)c(CCN)cc1OC", "C13H21NO2", "hallucinogen"),
    _s("25I-NBOMe", "COc1ccccc1CNCCc1cc(OC)c(I)cc1OC", "C18H22INO3", "hallucinogen"),
    _s("25C-NBOMe", "COc1ccccc1CNCCc1cc(OC)c(Cl)cc1OC", "C18H22ClNO3", "hallucinogen"),
    _s("25B-NBOMe", "COc1ccccc1CNCCc1cc(OC)c(Br)cc1OC", "C18H22BrNO3", "hallucinogen"),
    _s("DOC", "COc1cc(CC(C)N)c(OC)cc1Cl", "C11H16ClNO2", "hallucinogen"),
    _s("DOB", "COc1cc(CC(C)N)c(OC)cc1Br", "C11H16BrNO2", "hallucinogen"),
    _s(
        "1P-LSD",
        "CCC(=O)n1cc2c3c1cccc3C1=C[C@@H](C(=O)N(CC)CC)CN(C)[C@@H]1C2",
        "C23H29N3O2",
        "hallucinogen",
        inchikey="JSMQOVGXBIDBIE-OXQOHEQNSA-N",
    ),
    _s(
        "ALD-52",
        "CC(=O)n1cc2c3c1cccc3C1=C[C@@H](C(=O)N(CC)CC)CN(C)[C@@H]1C2",
        "C22H27N3O2",
        "hallucinogen",
        inchikey="FJOWXGYLIWJFCH-OXQOHEQNSA-N",
    ),
    _s(
        "1cP-LSD",
        "CCN(CC)C(=O)[C@@H]1C=C2c3cccc4c3c(cn4C(=O)C3CC3)C[C@H]2N(C)C1",
        "C24H29N3O2",
        "hallucinogen",
        inchikey="RAFUPYYDHPFASC-DYESRHJHSA-N",
    ),
    # other stimulants
    _s("ethylphenidate", "CCOC(=O)C(c1ccccc1)C1CCCCN1", "C15H21NO2", "stimulant"),
    _s("isopropylphenidate", "CC(C)OC(=O)C(c1ccccc1)C1CCCCN1", "C16H23NO2", "stimulant"),
    _s(
        "4F-MPH",
        "COC(=O)C(c1ccc(F)cc1)C1CCCCN1",
        "C14H18FNO2",
        "stimulant",
        synonyms=("4-fluoromethylphenidate",),
    ),
    _s("3-FPM", "CC1NCCOC1c1cccc(F)c1", "C11H14FNO", "stimulant", synonyms=("3-fluorophenmetrazine",)),
    _s("methiopropamine", "CNC(C)Cc1cccs1", "C8H13NS", "stimulant", synonyms=("MPA",)),
    _s("5-MAPB", "CNC(C)Cc1ccc2occc2c1", "C12H15NO", "stimulant"),
    _s("6-APB", "CC(N)Cc1ccc2ccoc2c1", "C11H13NO", "stimulant"),
    _s("4-FA", "CC(N)Cc1ccc(F)cc1", "C9H12FN", "stimulant", synonyms=("4-fluoroamphetamine",)),
    _s("2-FA", "CC(N)Cc1ccccc1F", "C9H12FN", "stimulant", synonyms=("2-fluoroamphetamine",)),
    _s("2-FMA", "CNC(C)Cc1ccccc1F", "C10H14FN", "stimulant", synonyms=("2-fluoromethamphetamine",)),
    _s("4-FMA", "CNC(C)Cc1ccc(F)cc1", "C10H14FN", "stimulant", synonyms=("4-fluoromethamphetamine",)),
    # depressants
    _s("phenibut", "NCC(CC(=O)O)c1ccccc1", "C10H13NO2", "depressant"),
    _s("1,4-butanediol", "OCCCCO", "C4H10O2", "depressant"),
    _s("4-fluorophenibut", "NCC(CC(=O)O)c1ccc(F)cc1", "C10H12FNO2", "depressant", synonyms=("F-phenibut",)),
    _s("tolibut", "NCC(CC(=O)O)c1ccc(C)cc1", "C11H15NO2", "depressant"),
    _s("GHV", "CC(O)CCC(=O)O", "C5H10O3", "depressant", synonyms=("gamma-hydroxyvaleric acid",)),
    _s("GVL", "CC1CCC(=O)O1", "C5H8O2", "depressant", synonyms=("gamma-valerolactone",)),
    _s("etaqualone", "CCc1ccccc1-n1c(C)nc2ccccc2c1=O", "C17H16N2O", "depressant"),
    _s("methylmethaqualone", "Cc1ccc(-n2c(C)nc3ccccc3c2=O)c(C)c1", "C17H16N2O", "depressant"),
)

ESTABLISHED_NAMES: frozenset[str] = frozenset(s.name for s in _ESTABLISHED)
"""Names of the established-market substances and cutting agents."""


# --------------------------------------------------------------------------------------------
# Formula arithmetic (independent of RDKit, used for the combinatorial pool)
# --------------------------------------------------------------------------------------------

_FORMULA_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)")


def parse_formula(formula: str) -> Counter[str]:
    """Element counts of a Hill formula such as ``"C10H12ClNO"``."""
    counts: Counter[str] = Counter()
    pos = 0
    for match in _FORMULA_TOKEN.finditer(formula):
        if match.start() != pos:
            raise ValueError(f"unparsable formula {formula!r}")
        counts[match.group(1)] += int(match.group(2) or 1)
        pos = match.end()
    if pos != len(formula) or not counts:
        raise ValueError(f"unparsable formula {formula!r}")
    return counts


def hill_formula(counts: Counter[str]) -> str:
    """Hill-order formula string (C, H, then alphabetical) of element counts."""
    if any(n < 0 for n in counts.values()):
        raise ValueError(f"negative element count in {dict(counts)!r}")
    order = [e for e in ("C", "H") if counts.get(e)]
    order += sorted(e for e in counts if e not in ("C", "H") and counts[e])
    return "".join(f"{e}{counts[e] if counts[e] != 1 else ''}" for e in order)


def _add(*formulas: str, minus_h: int = 0) -> str:
    total: Counter[str] = Counter()
    for f in formulas:
        if f:
            total.update(parse_formula(f))
    total["H"] -= minus_h
    return hill_formula(total)


# --------------------------------------------------------------------------------------------
# Combinatorial pool of one-off novel substances
# --------------------------------------------------------------------------------------------

# (code, aryl SMILES starting at the attachment atom, formula change from phenyl, prefix word)
_CATHINONE_RINGS: tuple[tuple[str, str, str, int, str], ...] = (
    # code, aryl smiles, formula added, hydrogens removed, name prefix
    ("", "c1ccccc1", "", 0, ""),
    ("2-F", "c1ccccc1F", "F", 1, "2-fluoro"),
    ("3-F", "c1cccc(F)c1", "F", 1, "3-fluoro"),
    ("4-F", "c1ccc(F)cc1", "F", 1, "4-fluoro"),
    ("2-Cl", "c1ccccc1Cl", "Cl", 1, "2-chloro"),
    ("3-Cl", "c1cccc(Cl)c1", "Cl", 1, "3-chloro"),
    ("4-Cl", "c1ccc(Cl)cc1", "Cl", 1, "4-chloro"),
    ("3-Br", "c1cccc(Br)c1", "Br", 1, "3-bromo"),
    ("4-Br", "c1ccc(Br)cc1", "Br", 1, "4-bromo"),
    ("3-Me", "c1cccc(C)c1", "CH3", 1, "3-methyl"),
    ("4-Me", "c1ccc(C)cc1", "CH3", 1, "4-methyl"),
    ("4-MeO", "c1ccc(OC)cc1", "CH3O", 1, "4-methoxy"),
    ("3,4-DMe", "c1ccc(C)c(C)c1", "C2H6", 2, "3,4-dimethyl"),
    ("MD", "c1ccc2c(c1)OCO2", "CH2O2", 2, ""),
)
# amine code -> (SMILES, formula of the N-substituent group incl. N and its H)
_CATHINONE_AMINES: tuple[tuple[str, str, str], ...] = (
    ("NHMe", "NC", "CH4N"),
    ("NHEt", "NCC", "C2H6N"),
    ("NMe2", "N(C)C", "C2H6N"),
    ("NHPr", "NCCC", "C3H8N"),
    ("pyrr", "N1CCCC1", "C4H8N"),
)
_PLAIN_CATHINONE_NAMES: dict[tuple[int, str], str] = {
    (1, "NHMe"): "methcathinone",
    (1, "NHEt"): "ethcathinone",
    (1, "NMe2"): "N,N-dimethylcathinone",
    (1, "NHPr"): "N-propylcathinone",
    (1, "pyrr"): "α-PPP",
    (2, "NHMe"): "buphedrone",
    (2, "NHEt"): "N-ethylbuphedrone",
    (2, "NMe2"): "N,N-dimethylbuphedrone",
    (2, "NHPr"): "N-propylbuphedrone",
    (2, "pyrr"): "α-PBP",
    (3, "NHMe"): "pentedrone",
    (3, "NHEt"): "N-ethylpentedrone",
    (3, "NMe2"): "N,N-dimethylpentedrone",
    (3, "NHPr"): "N-propylpentedrone",
    (3, "pyrr"): "α-PVP",
    (4, "NHMe"): "hexedrone",
    (4, "NHEt"): "N-ethylhexedrone",
    (4, "NMe2"): "N,N-dimethylhexedrone",
    (4, "NHPr"): "N-propylhexedrone",
    (4, "pyrr"): "α-PHP",
    (5, "NHMe"): "heptedrone",
    (5, "NHEt"): "N-ethylheptedrone",
    (5, "NMe2"): "N,N-dimethylheptedrone",
    (5, "NHPr"): "N-propylheptedrone",
    (5, "pyrr"): "α-PHPP",
}
_MD_CATHINONE_NAMES: dict[tuple[int, str], str] = {
    (1, "NHMe"): "methylone",
    (1, "NHEt"): "ethylone",
    (1, "NMe2"): "dimethylone",
    (1, "NHPr"): "propylone",
    (1, "pyrr"): "MDPPP",
    (2, "NHMe"): "butylone",
    (2, "NHEt"): "eutylone",
    (2, "NMe2"): "dibutylone",
    (2, "NHPr"): "N-propylbutylone",
    (2, "pyrr"): "MDPBP",
    (3, "NHMe"): "pentylone",
    (3, "NHEt"): "N-ethylpentylone",
    (3, "NMe2"): "dipentylone",
    (3, "NHPr"): "N-propylpentylone",
    (3, "pyrr"): "MDPV",
    (4, "NHMe"): "hexylone",
    (4, "NHEt"): "N-ethylhexylone",
    (4, "NMe2"): "N,N-dimethylhexylone",
    (4, "NHPr"): "N-propylhexylone",
    (4, "pyrr"): "MDPHP",
    (5, "NHMe"): "heptylone",
    (5, "NHEt"): "N-ethylheptylone",
    (5, "NMe2"): "N,N-dimethylheptylone",
    (5, "NHPr"): "N-propylheptylone",
    (5, "pyrr"): "MDPHPP",
}
# Conventional codes of ring-substituted methcathinones / ethcathinones and other trade names.
_CATHINONE_SPECIAL_NAMES: dict[tuple[str, int, str], str] = {
    ("2-F", 1, "NHMe"): "2-FMC",
    ("3-F", 1, "NHMe"): "3-FMC",
    ("4-F", 1, "NHMe"): "4-FMC",
    ("2-Cl", 1, "NHMe"): "2-CMC",
    ("3-Cl", 1, "NHMe"): "3-CMC",
    ("4-Cl", 1, "NHMe"): "4-CMC",
    ("3-Br", 1, "NHMe"): "3-BMC",
    ("4-Br", 1, "NHMe"): "4-BMC",
    ("3-Me", 1, "NHMe"): "3-MMC",
    ("4-Me", 1, "NHMe"): "mephedrone",
    ("4-MeO", 1, "NHMe"): "methedrone",
    ("3,4-DMe", 1, "NHMe"): "3,4-DMMC",
    ("3-F", 1, "NHEt"): "3-FEC",
    ("4-F", 1, "NHEt"): "4-FEC",
    ("3-Cl", 1, "NHEt"): "3-CEC",
    ("4-Cl", 1, "NHEt"): "4-CEC",
    ("4-Br", 1, "NHEt"): "4-BEC",
    ("3-Me", 1, "NHEt"): "3-MEC",
    ("4-Me", 1, "NHEt"): "4-MEC",
    ("4-Me", 1, "pyrr"): "MPPP",
    ("4-Me", 2, "pyrr"): "MPBP",
    ("4-Me", 3, "pyrr"): "pyrovalerone",
    ("4-Me", 4, "pyrr"): "MPHP",
}


def _cathinones() -> list[Substance]:
    out = []
    for code, aryl, added, removed_h, prefix in _CATHINONE_RINGS:
        for n_alpha in range(1, 6):
            for amine, amine_smiles, amine_formula in _CATHINONE_AMINES:
                alpha = "C" * n_alpha
                smiles = f"O=C({aryl})C({alpha}){amine_smiles}"
                # phenyl C6H5 + C=O + alpha CH + CnH2n+1 + amine group
                formula = _add(
                    "C6H5",
                    "CO",
                    "CH",
                    f"C{n_alpha}H{2 * n_alpha + 1}",
                    amine_formula,
                    added,
                    minus_h=removed_h,
                )
                if code == "MD":
                    name = _MD_CATHINONE_NAMES[(n_alpha, amine)]
                else:
                    base = _PLAIN_CATHINONE_NAMES[(n_alpha, amine)]
                    # "3-chloro" + "pentedrone" -> "3-chloropentedrone"; + "α-PVP" -> "3-chloro-α-PVP"
                    joiner = "" if not prefix or "a" <= base[0] <= "z" else "-"
                    name = _CATHINONE_SPECIAL_NAMES.get((code, n_alpha, amine), prefix + joiner + base)
                out.append(Substance(name, smiles, formula, "cathinone"))
    return out


_TRYPTAMINE_RINGS: tuple[tuple[str, str, str, int], ...] = (
    # prefix, ring SMILES after the C3 side chain, formula added, hydrogens removed
    ("", "c2ccccc12", "", 0),
    ("4-HO-", "c2cccc(O)c12", "O", 0),
    ("4-AcO-", "c2cccc(OC(C)=O)c12", "C2H3O2", 1),
    ("5-MeO-", "c2ccc(OC)cc12", "CH3O", 1),
)
# alkyl code -> (SMILES written before N, SMILES inside N(...), formula of the group)
_TRYPTAMINE_ALKYLS: dict[str, tuple[str, str, str]] = {
    "M": ("C", "C", "CH3"),
    "E": ("CC", "CC", "C2H5"),
    "P": ("CCC", "CCC", "C3H7"),
    "iP": ("CC(C)", "C(C)C", "C3H7"),
    "AL": ("C=CC", "CC=C", "C3H5"),
}
_TRYPTAMINE_PAIRS: tuple[tuple[str, str], ...] = (
    ("M", "M"),
    ("E", "E"),
    ("P", "P"),
    ("iP", "iP"),
    ("AL", "AL"),
    ("M", "E"),
    ("M", "P"),
    ("M", "iP"),
    ("M", "AL"),
    ("E", "P"),
    ("E", "iP"),
    ("P", "iP"),
)


def _tryptamines() -> list[Substance]:
    out = []
    for prefix, ring, added, removed_h in _TRYPTAMINE_RINGS:
        for a, b in _TRYPTAMINE_PAIRS:
            code = f"D{'ALT' if a == 'AL' else a + 'T'}" if a == b else f"{a}{'ALT' if b == 'AL' else b + 'T'}"
            name = prefix + code
            smiles = f"{_TRYPTAMINE_ALKYLS[a][0]}N({_TRYPTAMINE_ALKYLS[b][1]})CCc1c[nH]{ring}"
            # tryptamine C10H12N2 with both amine H replaced by the alkyls
            formula = _add("C10H10N2", _TRYPTAMINE_ALKYLS[a][2], _TRYPTAMINE_ALKYLS[b][2], added, minus_h=removed_h)
            out.append(Substance(name, smiles, formula, "tryptamine"))
    return out


# head code -> (side chain SMILES, C-terminus SMILES, formula of the group replacing the amide H)
_SCRA_HEADS: dict[str, tuple[str, str, str]] = {
    "MDMB": ("C(C)(C)C", "C(=O)OC", "C7H13O2"),
    "MMB": ("C(C)C", "C(=O)OC", "C6H11O2"),
    "ADB": ("C(C)(C)C", "C(N)=O", "C6H12NO"),
    "AB": ("C(C)C", "C(N)=O", "C5H10NO"),
    "EDMB": ("C(C)(C)C", "C(=O)OCC", "C8H15O2"),
}
# (fluoro prefix, tail code, SMILES, formula of the N1 substituent)
_SCRA_TAILS: tuple[tuple[str, str, str, str], ...] = (
    ("", "P", "CCCCC", "C5H11"),
    ("5F-", "P", "CCCCCF", "C5H10F"),
    ("", "BUT", "CCCC", "C4H9"),
    ("4F-", "BUT", "CCCCF", "C4H8F"),
    ("", "4en-P", "CCCC=C", "C5H9"),
    ("", "FUB", "Cc3ccc(F)cc3", "C7H6F"),
    ("", "CHM", "CC3CCCCC3", "C7H13"),
    ("", "HEX", "CCCCCC", "C6H13"),
)
# core code -> (SMILES template with {tail}, formula of the unsubstituted NH/NH2 carboxamide)
_SCRA_CORES: dict[str, tuple[str, str]] = {
    "INACA": ("c1nn({tail})c2ccccc12", "C8H7N3O"),
    "ICA": ("c1cn({tail})c2ccccc12", "C9H8N2O"),
}


def _scras() -> list[Substance]:
    out = []
    for core, (core_smiles, core_formula) in _SCRA_CORES.items():
        for head, (side, cterm, head_formula) in _SCRA_HEADS.items():
            for fluoro, tail, tail_smiles, tail_formula in _SCRA_TAILS:
                name = f"{fluoro}{head}-{tail}{core}"
                smiles = f"O=C(N[C@@H]({side}){cterm}){core_smiles.format(tail=tail_smiles)}"
                formula = _add(core_formula, head_formula, tail_formula, minus_h=2)
                out.append(Substance(name, smiles, formula, "synthetic_cannabinoid"))
    return out


# N-phenyl substituent of fentanyl analogues: (SMILES with ring 4, formula added, H removed, prefix)
_ANILIDE_RINGS: tuple[tuple[str, str, int, str], ...] = (
    ("c4ccccc4", "", 0, ""),
    ("c4ccccc4F", "F", 1, "ortho-fluoro"),
    ("c4cccc(F)c4", "F", 1, "meta-fluoro"),
    ("c4ccc(F)cc4", "F", 1, "para-fluoro"),
    ("c4ccc(Cl)cc4", "Cl", 1, "para-chloro"),
    ("c4ccc(OC)cc4", "CH3O", 1, "para-methoxy"),
    ("c4ccccc4C", "CH3", 1, "ortho-methyl"),
)
# acyl: (SMILES of the group on the carbonyl, formula of the acyl group, name stem)
_FENTANYL_ACYLS: tuple[tuple[str, str, str], ...] = (
    ("C", "C2H3O", "acetylfentanyl"),
    ("CC", "C3H5O", "fentanyl"),
    ("CCC", "C4H7O", "butyrylfentanyl"),
    ("C(C)C", "C4H7O", "isobutyrylfentanyl"),
    ("CCCC", "C5H9O", "valerylfentanyl"),
    ("C=C", "C3H3O", "acrylfentanyl"),
    ("C3CC3", "C4H5O", "cyclopropylfentanyl"),
    ("C3CCCC3", "C6H9O", "cyclopentylfentanyl"),
    ("c3ccco3", "C5H3O2", "furanylfentanyl"),
    ("COC", "C3H5O2", "methoxyacetylfentanyl"),
    ("C3CCCO3", "C5H7O2", "tetrahydrofuranylfentanyl"),
)


def _fentanyls() -> list[Substance]:
    out = []
    for aryl, added, removed_h, prefix in _ANILIDE_RINGS:
        for acyl_smiles, acyl_formula, stem in _FENTANYL_ACYLS:
            if not prefix and stem == "fentanyl":
                continue  # fentanyl itself is a medicine, not a new substance
            name = "ocfentanil" if (prefix, stem) == ("ortho-fluoro", "methoxyacetylfentanyl") else prefix + stem
            smiles = f"O=C({acyl_smiles})N({aryl})C1CCN(CCc2ccccc2)CC1"
            # fentanyl C22H28N2O without its propionyl group = C19H23N2
            formula = _add("C19H23N2", acyl_formula, added, minus_h=removed_h)
            out.append(Substance(name, smiles, formula, "opioid"))
    return out


# aryl of arylcyclohexylamines: (code, SMILES with ring 2 from the attachment atom, formula added, H removed,
# word prefix, code prefix)
_ACH_RINGS: dict[str, tuple[str, str, int, str, str]] = {
    "H": ("c2ccccc2", "", 0, "", ""),
    "2-F": ("c2ccccc2F", "F", 1, "2-fluoro-", "2-F-"),
    "2-Cl": ("c2ccccc2Cl", "Cl", 1, "2-chloro-", "2-Cl-"),
    "2-Br": ("c2ccccc2Br", "Br", 1, "2-bromo-", "2-Br-"),
    "2-Me": ("c2ccccc2C", "CH3", 1, "2-methyl-", "2-Me-"),
    "3-MeO": ("c2cccc(OC)c2", "CH3O", 1, "3-methoxy-", "3-MeO-"),
    "4-MeO": ("c2ccc(OC)cc2", "CH3O", 1, "4-methoxy-", "4-MeO-"),
    "3-HO": ("c2cccc(O)c2", "O", 0, "3-hydroxy-", "3-HO-"),
    "3-Me": ("c2cccc(C)c2", "CH3", 1, "3-methyl-", "3-Me-"),
    "3-F": ("c2cccc(F)c2", "F", 1, "3-fluoro-", "3-F-"),
    "4-F": ("c2ccc(F)cc2", "F", 1, "4-fluoro-", "4-F-"),
    "3-Cl": ("c2cccc(Cl)c2", "Cl", 1, "3-chloro-", "3-Cl-"),
}
# 2-oxo (ketamine-like) amines: (code, SMILES, alkyl formula added to the NH2 nitrogen, name stem)
_KETAMINE_AMINES: tuple[tuple[str, str, str, str], ...] = (
    ("NHMe", "NC", "CH2", "deschloroketamine"),
    ("NHEt", "NCC", "C2H4", "deschloro-N-ethylketamine"),
    ("NHiPr", "NC(C)C", "C3H6", "deschloro-N-isopropylketamine"),
    ("NHPr", "NCCC", "C3H6", "deschloro-N-propylketamine"),
)
_KETAMINE_NAMES: dict[tuple[str, str], str] = {
    ("H", "NHMe"): "deschloroketamine",
    ("H", "NHEt"): "O-PCE",
    ("2-F", "NHMe"): "2F-DCK",
    ("2-Cl", "NHMe"): "ketamine",
    ("2-Cl", "NHEt"): "N-ethylnorketamine",
    ("2-Cl", "NHiPr"): "N-isopropylnorketamine",
    ("2-Cl", "NHPr"): "N-propylnorketamine",
    ("2-Br", "NHMe"): "bromoketamine",
    ("3-MeO", "NHMe"): "methoxmetamine",
    ("3-MeO", "NHEt"): "methoxetamine",
    ("3-MeO", "NHiPr"): "MXiPr",
    ("3-MeO", "NHPr"): "methoxpropamine",
}
# phencyclidine-like amines: (SMILES with ring 3, formula added to 1-phenylcyclohexylamine's NH2, code)
_PCP_AMINES: tuple[tuple[str, str, int, str], ...] = (
    ("N3CCCCC3", "C5H10", 2, "PCP"),
    ("N3CCCC3", "C4H8", 2, "PCPy"),
    ("NCC", "C2H5", 1, "PCE"),
    ("N3CCOCC3", "C4H8O", 2, "PCMo"),
)


def _arylcyclohexylamines() -> list[Substance]:
    out = []
    for ring in ("H", "2-F", "2-Cl", "2-Br", "2-Me", "3-MeO", "3-F", "3-Cl"):
        aryl, added, removed_h, word, _ = _ACH_RINGS[ring]
        for code, amine, alkyl, stem in _KETAMINE_AMINES:
            name = _KETAMINE_NAMES.get((ring, code), word + stem)
            smiles = f"O=C1CCCCC1({aryl}){amine}"
            # 2-amino-2-phenylcyclohexan-1-one C12H15NO, one N-H replaced by the alkyl
            formula = _add("C12H15NO", alkyl, added, minus_h=removed_h)
            out.append(Substance(name, smiles, formula, "dissociative"))
    for ring in ("H", "3-MeO", "4-MeO", "3-HO", "3-Me", "3-F", "4-F"):
        aryl, added, removed_h, _, prefix = _ACH_RINGS[ring]
        for amine, amine_added, amine_removed_h, code in _PCP_AMINES:
            smiles = f"C1({aryl})(CCCCC1){amine}"
            # 1-phenylcyclohexan-1-amine C12H17N
            formula = _add("C12H17N", amine_added, added, minus_h=removed_h + amine_removed_h)
            out.append(Substance(prefix + code, smiles, formula, "dissociative"))
    return [s for s in out if s.name not in ("ketamine", "PCP")]


# 4-substituent of 2,5-dimethoxyphenethylamines: (SMILES, formula added, H removed, 2C code, DOx name)
_PHENETHYLAMINE_SUBSTITUENTS: tuple[tuple[str, str, int, str, str], ...] = (
    ("", "", 0, "H", "2,5-DMA"),
    ("Br", "Br", 1, "B", "DOB"),
    ("I", "I", 1, "I", "DOI"),
    ("Cl", "Cl", 1, "C", "DOC"),
    ("C", "CH3", 1, "D", "DOM"),
    ("CC", "C2H5", 1, "E", "DOET"),
    ("CCC", "C3H7", 1, "P", "DOPR"),
    ("SC", "CH3S", 1, "T", ""),
    ("SCC", "C2H5S", 1, "T-2", ""),
    ("SCCC", "C3H7S", 1, "T-7", ""),
    ("[N+](=O)[O-]", "NO2", 1, "N", "DON"),
)
# N-benzyl groups: (SMILES with ring 2, formula of the benzyl group, suffix)
_N_BENZYLS: tuple[tuple[str, str, str], ...] = (
    ("Cc2ccccc2OC", "C8H9O", "NBOMe"),
    ("Cc2ccccc2O", "C7H7O", "NBOH"),
    ("Cc2ccccc2F", "C7H6F", "NBF"),
)


def _phenethylamines() -> list[Substance]:
    out = []
    for x_smiles, added, removed_h, code, dox in _PHENETHYLAMINE_SUBSTITUENTS:
        # 2,5-dimethoxyphenethylamine (2C-H) C10H15NO2
        out.append(
            Substance(
                f"2C-{code}",
                f"COc1cc(CCN)c(OC)cc1{x_smiles}",
                _add("C10H15NO2", added, minus_h=removed_h),
                "hallucinogen",
            )
        )
        for benzyl, benzyl_formula, suffix in _N_BENZYLS:
            if suffix != "NBOMe" and code not in ("B", "I", "C", "E", "D", "P"):
                continue
            out.append(
                Substance(
                    f"25{code.replace('-', '')}-{suffix}",
                    f"COc1cc(CCN{benzyl})c(OC)cc1{x_smiles}",
                    _add("C10H14NO2", benzyl_formula, added, minus_h=removed_h),
                    "hallucinogen",
                )
            )
        if dox:
            out.append(
                Substance(
                    dox,
                    f"COc1cc(CC(C)N)c(OC)cc1{x_smiles}",
                    _add("C11H17NO2", added, minus_h=removed_h),
                    "hallucinogen",
                )
            )
    return out


# ring-substituted amphetamines: (SMILES after the benzylic c1, formula added, H removed, code)
_AMPHETAMINE_RINGS: tuple[tuple[str, str, int, str], ...] = (
    ("ccccc1F", "F", 1, "2-F"),
    ("cccc(F)c1", "F", 1, "3-F"),
    ("ccc(F)cc1", "F", 1, "4-F"),
    ("ccc(Cl)cc1", "Cl", 1, "4-C"),
    ("ccc(Br)cc1", "Br", 1, "4-B"),
    ("ccc(C)cc1", "CH3", 1, "4-M"),
    ("cccc(C)c1", "CH3", 1, "3-M"),
    ("ccc(OC)cc1", "CH3O", 1, "PM"),
)
_AMPHETAMINE_AMINES: tuple[tuple[str, str, str], ...] = (
    ("N", "", "A"),
    ("NC", "CH2", "MA"),
    ("NCC", "C2H4", "EA"),
)
# phenidates: ring (SMILES after c1, formula added, H removed, code)
# x ester (SMILES, formula added, code, name)
_PHENIDATE_RINGS: tuple[tuple[str, str, int, str], ...] = (
    ("ccccc1", "", 0, ""),
    ("ccc(F)cc1", "F", 1, "4F-"),
    ("ccc(Cl)cc1", "Cl", 1, "4Cl-"),
    ("ccc(Cl)c(Cl)c1", "Cl2", 2, "3,4-DC-"),
    ("ccc(C)cc1", "CH3", 1, "4Me-"),
)
_PHENIDATE_ESTERS: tuple[tuple[str, str, str, str], ...] = (
    ("C", "", "MPH", "methylphenidate"),
    ("CC", "CH2", "EPH", "ethylphenidate"),
    ("CC(C)", "C2H4", "IPPH", "isopropylphenidate"),
    ("CCC", "C2H4", "PPH", "propylphenidate"),
)


def _stimulants() -> list[Substance]:
    out = []
    for ring, added, removed_h, code in _AMPHETAMINE_RINGS:
        for amine, amine_added, amine_code in _AMPHETAMINE_AMINES:
            out.append(
                Substance(
                    f"{code}{amine_code}",
                    f"CC({amine})Cc1{ring}",
                    _add("C9H13N", amine_added, added, minus_h=removed_h),
                    "stimulant",
                )
            )
    for ring, added, removed_h, code in _PHENIDATE_RINGS:
        for ester, ester_added, ester_code, ester_name in _PHENIDATE_ESTERS:
            if not code:
                name = ester_name
            elif (code, ester_code) == ("3,4-DC-", "MPH"):
                name = "3,4-CTMP"
            else:
                name = code + ester_code
            smiles = f"{ester}OC(=O)C(c1{ring})C2CCCCN2"
            # methylphenidate C14H19NO2
            out.append(Substance(name, smiles, _add("C14H19NO2", ester_added, added, minus_h=removed_h), "stimulant"))
    return [s for s in out if s.name != "methylphenidate"]


NOVEL_CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("cathinone", 0.22),
    ("synthetic_cannabinoid", 0.20),
    ("tryptamine", 0.10),
    ("benzodiazepine", 0.08),
    ("opioid", 0.10),
    ("dissociative", 0.10),
    ("hallucinogen", 0.10),
    ("stimulant", 0.08),
    ("depressant", 0.02),
)
"""Share of each class among the one-off new substances (roughly the EU early-warning mix)."""


@functools.cache
def novel_pool() -> dict[str, tuple[Substance, ...]]:
    """One-off novel substances by category: the hand-written ones plus combinatorial analogues.

    Analogues that are already in the established market or a wave family are left out, so a
    one-off is never a substance the market already knows.
    """
    taken = {s.name for s in (*_ESTABLISHED, *_NITAZENES, *_CATHINONES, *_SCRAS)}
    taken |= {"DMT", "4-HO-DMT"}  # classic tryptamine and psilocin: not novel
    pool: dict[str, list[Substance]] = {cat: [] for cat, _ in NOVEL_CATEGORY_WEIGHTS}
    seen: set[str] = set()
    for sub in (
        *_ONE_OFF_HAND,
        *_cathinones(),
        *_tryptamines(),
        *_scras(),
        *_fentanyls(),
        *_arylcyclohexylamines(),
        *_phenethylamines(),
        *_stimulants(),
    ):
        if sub.name in taken or sub.name in seen:
            continue
        seen.add(sub.name)
        pool[sub.category].append(sub)
    return {cat: tuple(subs) for cat, subs in pool.items()}


@functools.cache
def substances() -> dict[str, Substance]:
    """Every substance the generator can emit, by name (market, wave families and one-off pool)."""
    out: dict[str, Substance] = {}
    for sub in (*_ESTABLISHED, *_NITAZENES, *_CATHINONES, *_SCRAS):
        out[sub.name] = sub
    for subs in novel_pool().values():
        for sub in subs:
            out[sub.name] = sub
    return out


# --------------------------------------------------------------------------------------------
# Products (what is seized) and the established market
# --------------------------------------------------------------------------------------------

Weighted = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Product:
    """A kind of seized item: what it is sold as, its form, where it is seized and what is in it.

    ``actives`` holds the main active (one is drawn; :data:`MEMBER` stands for the wave member,
    ``"unidentified"`` for an unidentified component); ``extras`` are further components, each
    present independently with its probability, as ``(name, role, probability)``.
    """

    key: str
    sold_as: Weighted
    forms: Weighted
    contexts: Weighted
    actives: Weighted
    extras: tuple[tuple[str, str, float], ...] = ()
    purity: tuple[int, int] | None = None
    quantity: str = "g"
    origins: Weighted = ()
    areas: Weighted = ()
    """Inland local areas to favour (else any police force area)."""


@dataclass(frozen=True)
class MarketSeries:
    """Weekly seizure volume of one established product.

    The weekly mean is ``weekly_mean * (1 + amplitude * cos(2 pi (iso_week - peak_week) / 52))
    * (1 + trend_per_year) ** years_since_2024``; the count is negative binomial around it.
    """

    product: Product
    weekly_mean: float
    peak_week: int = 1
    amplitude: float = 0.0
    trend_per_year: float = 0.0


_BORDER_HEROIN = (("Pakistan", 0.5), ("Iran", 0.2), ("Netherlands", 0.2), ("Turkey", 0.1))
_BORDER_COCAINE = (
    ("Colombia", 0.3),
    ("Ecuador", 0.25),
    ("Brazil", 0.15),
    ("Netherlands", 0.15),
    ("Spain", 0.1),
    ("Costa Rica", 0.05),
)
_BORDER_CANNABIS = (("Thailand", 0.35), ("United States", 0.3), ("Canada", 0.25), ("Spain", 0.1))
_BORDER_EUROPE = (("Netherlands", 0.6), ("Belgium", 0.2), ("Germany", 0.2))
_BORDER_PHARMA = (("India", 0.8), ("Pakistan", 0.1), ("Singapore", 0.1))
_BORDER_NPS = (("China", 0.65), ("India", 0.15), ("Netherlands", 0.1), ("Poland", 0.1))

MARKET: tuple[MarketSeries, ...] = (
    MarketSeries(
        Product(
            "cocaine",
            sold_as=(("cocaine", 0.88), ("", 0.12)),
            forms=(("powder", 1.0),),
            contexts=(
                ("inland", 0.8),
                ("border_freight", 0.06),
                ("border_passenger", 0.06),
                ("border_postal", 0.03),
                ("prison", 0.03),
                ("online", 0.02),
            ),
            actives=(("cocaine", 1.0),),
            extras=(
                ("levamisole", "adulterant", 0.22),
                ("benzocaine", "adulterant", 0.1),
                ("lidocaine", "adulterant", 0.08),
                ("phenacetin", "adulterant", 0.06),
                ("caffeine", "adulterant", 0.05),
                ("procaine", "adulterant", 0.02),
            ),
            purity=(15, 92),
            origins=_BORDER_COCAINE,
        ),
        20.0,
        peak_week=51,
        amplitude=0.15,
        trend_per_year=0.04,
    ),
    MarketSeries(
        Product(
            "crack",
            sold_as=(("crack cocaine", 0.8), ("crack", 0.2)),
            forms=(("crystal", 1.0),),
            contexts=(("inland", 0.96), ("prison", 0.04)),
            actives=(("cocaine", 1.0),),
            extras=(("levamisole", "adulterant", 0.12), ("phenacetin", "adulterant", 0.05)),
            purity=(40, 85),
        ),
        7.0,
        trend_per_year=0.03,
    ),
    MarketSeries(
        Product(
            "heroin",
            sold_as=(("heroin", 0.92), ("", 0.08)),
            forms=(("powder", 0.95), ("resin", 0.05)),
            contexts=(
                ("inland", 0.86),
                ("prison", 0.05),
                ("border_freight", 0.05),
                ("border_passenger", 0.04),
            ),
            actives=(("diamorphine", 1.0),),
            extras=(
                ("caffeine", "adulterant", 0.4),
                ("paracetamol", "adulterant", 0.35),
                ("xylazine", "adulterant", 0.015),
            ),
            purity=(10, 70),
            origins=_BORDER_HEROIN,
        ),
        12.0,
        peak_week=2,
        amplitude=0.1,
        trend_per_year=-0.03,
    ),
    MarketSeries(
        Product(
            "cannabis_herbal",
            sold_as=(("cannabis", 0.75), ("skunk", 0.15), ("", 0.1)),
            forms=(("herbal_material", 1.0),),
            contexts=(
                ("inland", 0.8),
                ("border_passenger", 0.07),
                ("border_postal", 0.05),
                ("prison", 0.05),
                ("border_freight", 0.03),
            ),
            actives=(("THC", 1.0),),
            origins=_BORDER_CANNABIS,
        ),
        15.0,
        peak_week=30,
        amplitude=0.08,
    ),
    MarketSeries(
        Product(
            "cannabis_plants",
            sold_as=(("", 1.0),),
            forms=(("plant_material", 1.0),),
            contexts=(("inland", 1.0),),
            actives=(("THC", 1.0),),
            quantity="plants",
        ),
        2.5,
    ),
    MarketSeries(
        Product(
            "cannabis_resin",
            sold_as=(("cannabis resin", 0.7), ("hash", 0.3)),
            forms=(("resin", 1.0),),
            contexts=(("inland", 0.85), ("border_freight", 0.1), ("prison", 0.05)),
            actives=(("THC", 1.0),),
            extras=(("cannabidiol", "active", 0.6),),
            origins=(("Morocco", 0.7), ("Spain", 0.3)),
        ),
        3.5,
    ),
    MarketSeries(
        Product(
            "thc_vape",
            sold_as=(("THC vape", 0.7), ("vape", 0.3)),
            forms=(("e_liquid", 1.0),),
            contexts=(("inland", 0.85), ("border_postal", 0.1), ("prison", 0.05)),
            actives=(("THC", 1.0),),
            quantity="devices",
            origins=(("United States", 0.7), ("China", 0.3)),
        ),
        1.2,
    ),
    MarketSeries(
        Product(
            "amphetamine",
            sold_as=(("amphetamine", 0.6), ("speed", 0.4)),
            forms=(("powder", 1.0),),
            contexts=(("inland", 0.93), ("border_postal", 0.04), ("prison", 0.03)),
            actives=(("amphetamine", 1.0),),
            extras=(("caffeine", "adulterant", 0.45),),
            purity=(5, 45),
            origins=_BORDER_EUROPE,
        ),
        4.5,
    ),
    MarketSeries(
        Product(
            "mdma",
            sold_as=(("MDMA", 0.9), ("", 0.1)),
            forms=(("crystal", 0.7), ("powder", 0.3)),
            contexts=(("inland", 0.85), ("border_postal", 0.1), ("online", 0.05)),
            actives=(("MDMA", 1.0),),
            purity=(55, 90),
            origins=_BORDER_EUROPE,
        ),
        3.5,
        peak_week=28,
        amplitude=0.5,
    ),
    MarketSeries(
        Product(
            "ecstasy",
            sold_as=(("ecstasy tablet", 0.7), ("ecstasy", 0.3)),
            forms=(("tablet", 1.0),),
            contexts=(("inland", 0.85), ("border_postal", 0.1), ("online", 0.05)),
            actives=(("MDMA", 1.0),),
            extras=(("caffeine", "adulterant", 0.05),),
            quantity="tablets",
            origins=_BORDER_EUROPE,
        ),
        4.5,
        peak_week=28,
        amplitude=0.5,
    ),
    MarketSeries(
        Product(
            "ketamine",
            sold_as=(("ketamine", 0.9), ("", 0.1)),
            forms=(("powder", 0.6), ("crystal", 0.4)),
            contexts=(("inland", 0.82), ("border_postal", 0.1), ("border_passenger", 0.05), ("online", 0.03)),
            actives=(("ketamine", 1.0),),
            purity=(50, 95),
            origins=(("India", 0.5), ("Netherlands", 0.3), ("China", 0.2)),
        ),
        4.5,
        peak_week=27,
        amplitude=0.3,
        trend_per_year=0.08,
    ),
    MarketSeries(
        Product(
            "street_diazepam",
            sold_as=(("diazepam", 0.6), ("Valium", 0.25), ("street Valium", 0.15)),
            forms=(("tablet", 1.0),),
            contexts=(("inland", 0.7), ("prison", 0.1), ("border_postal", 0.15), ("online", 0.05)),
            actives=(("etizolam", 0.5), ("diazepam", 0.5)),
            quantity="tablets",
            origins=_BORDER_PHARMA,
        ),
        3.5,
    ),
    MarketSeries(
        Product(
            "xanax",
            sold_as=(("Xanax", 0.8), ("alprazolam", 0.2)),
            forms=(("tablet", 1.0),),
            contexts=(("inland", 0.75), ("border_postal", 0.15), ("online", 0.1)),
            actives=(("alprazolam", 0.75), ("etizolam", 0.25)),
            quantity="tablets",
            origins=_BORDER_PHARMA,
        ),
        2.0,
    ),
    MarketSeries(
        Product(
            "pregabalin",
            sold_as=(("pregabalin", 0.7), ("Lyrica", 0.3)),
            forms=(("capsule", 1.0),),
            contexts=(("inland", 0.4), ("prison", 0.4), ("border_postal", 0.2)),
            actives=(("pregabalin", 1.0),),
            quantity="capsules",
            origins=_BORDER_PHARMA,
        ),
        2.0,
    ),
    MarketSeries(
        Product(
            "gabapentin",
            sold_as=(("gabapentin", 1.0),),
            forms=(("capsule", 1.0),),
            contexts=(("inland", 0.5), ("prison", 0.5)),
            actives=(("gabapentin", 1.0),),
            quantity="capsules",
        ),
        0.5,
    ),
    MarketSeries(
        Product(
            "methadone",
            sold_as=(("methadone", 1.0),),
            forms=(("liquid", 1.0),),
            contexts=(("inland", 0.6), ("prison", 0.4)),
            actives=(("methadone", 1.0),),
            quantity="mL",
        ),
        1.0,
    ),
    MarketSeries(
        Product(
            "buprenorphine",
            sold_as=(("Subutex", 0.5), ("buprenorphine", 0.3), ("", 0.2)),
            forms=(("tablet", 0.6), ("paper", 0.4)),
            contexts=(("prison", 0.7), ("inland", 0.3)),
            actives=(("buprenorphine", 1.0),),
            quantity="tablets",
        ),
        1.5,
    ),
    MarketSeries(
        Product(
            "tramadol",
            sold_as=(("tramadol", 1.0),),
            forms=(("tablet", 0.6), ("capsule", 0.4)),
            contexts=(("border_postal", 0.5), ("inland", 0.4), ("prison", 0.1)),
            actives=(("tramadol", 1.0),),
            quantity="tablets",
            origins=_BORDER_PHARMA,
        ),
        1.5,
    ),
    MarketSeries(
        Product(
            "oxycodone",
            sold_as=(("oxycodone", 0.7), ("OxyContin", 0.3)),
            forms=(("tablet", 1.0),),
            contexts=(("inland", 0.7), ("border_postal", 0.3)),
            actives=(("oxycodone", 1.0),),
            quantity="tablets",
            origins=(("United States", 0.5), ("India", 0.5)),
        ),
        0.5,
    ),
    MarketSeries(
        Product(
            "zopiclone",
            sold_as=(("zopiclone", 1.0),),
            forms=(("tablet", 1.0),),
            contexts=(("inland", 0.6), ("prison", 0.4)),
            actives=(("zopiclone", 1.0),),
            quantity="tablets",
        ),
        0.5,
    ),
    MarketSeries(
        Product(
            "ghb",
            sold_as=(("GHB", 0.6), ("G", 0.2), ("GBL", 0.2)),
            forms=(("liquid", 1.0),),
            contexts=(("inland", 0.9), ("border_postal", 0.1)),
            actives=(("GHB", 0.55), ("GBL", 0.45)),
            quantity="mL",
        ),
        1.0,
        peak_week=30,
        amplitude=0.2,
    ),
    MarketSeries(
        Product(
            "lsd",
            sold_as=(("LSD", 0.6), ("acid", 0.4)),
            forms=(("paper", 1.0),),
            contexts=(("inland", 0.8), ("border_postal", 0.2)),
            actives=(("LSD", 1.0),),
            quantity="sheets",
            origins=_BORDER_EUROPE,
        ),
        0.7,
        peak_week=28,
        amplitude=0.4,
    ),
    MarketSeries(
        Product(
            "mushrooms",
            sold_as=(("magic mushrooms", 1.0),),
            forms=(("plant_material", 1.0),),
            contexts=(("inland", 0.85), ("border_postal", 0.15)),
            actives=(("psilocybin", 1.0),),
            extras=(("psilocin", "active", 0.7),),
            origins=_BORDER_EUROPE,
        ),
        0.7,
        peak_week=40,
        amplitude=0.6,
    ),
    MarketSeries(
        Product(
            "methamphetamine",
            sold_as=(("crystal meth", 0.7), ("methamphetamine", 0.3)),
            forms=(("crystal", 1.0),),
            contexts=(("inland", 0.8), ("border_postal", 0.1), ("border_freight", 0.1)),
            actives=(("methamphetamine", 1.0),),
            purity=(60, 98),
            origins=(("Mexico", 0.4), ("Netherlands", 0.3), ("Nigeria", 0.3)),
        ),
        0.5,
    ),
    MarketSeries(
        Product(
            "mephedrone",
            sold_as=(("mephedrone", 0.5), ("M-Cat", 0.3), ("", 0.2)),
            forms=(("powder", 0.6), ("crystal", 0.4)),
            contexts=(("inland", 0.9), ("border_postal", 0.1)),
            actives=(("mephedrone", 1.0),),
            purity=(40, 95),
            origins=_BORDER_NPS,
        ),
        0.6,
    ),
    MarketSeries(
        Product(
            "monkey_dust",
            sold_as=(("Monkey Dust", 0.85), ("", 0.15)),
            forms=(("crystal", 0.7), ("powder", 0.3)),
            contexts=(("inland", 1.0),),
            actives=(("MDPV", 0.55), ("α-PHP", 0.45)),
            areas=(
                ("Stoke-on-Trent", 0.6),
                ("Newcastle-under-Lyme", 0.2),
                ("Stafford", 0.1),
                ("Wolverhampton", 0.1),
            ),
        ),
        0.6,
    ),
    MarketSeries(
        Product(
            "unknown",
            sold_as=(("", 0.8), ("unknown", 0.2)),
            forms=(("powder", 0.5), ("tablet", 0.2), ("paper", 0.15), ("liquid", 0.15)),
            contexts=(("inland", 0.6), ("prison", 0.3), ("border_postal", 0.1)),
            actives=(("unidentified", 1.0),),
            quantity="g",
        ),
        2.0,
    ),
)
"""The established market: products with weekly volumes at ``scale=1`` and seasonality."""


# --------------------------------------------------------------------------------------------
# Emerging families (waves)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaveMember:
    """A member of a wave family and when it appears (weeks after the wave starts).

    A ``precursor_of`` member is only ever reported as a precursor alongside those actives.
    """

    name: str
    offset_weeks: int
    precursor_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaveRoute:
    """A way a wave reaches seizures: a product using the member, opening some weeks after the start.

    Its weight among the family's routes is ``ramp * (late + (early - late) * 0.5 ** (s / 16))``
    where ``s`` is weeks since the wave start and ``ramp`` grows linearly to 1 over
    ``ramp_weeks`` from ``opens_week``.
    """

    product: Product
    opens_week: int
    ramp_weeks: int
    early: float
    late: float


@dataclass(frozen=True)
class Wave:
    """An emerging family rising in a wave (DESIGN.md section 9).

    Seizures start at about ``start_per_week`` a week at ``anchor`` (shifted by up to
    ``anchor_jitter_weeks`` per seed), double every ``doubling_weeks`` (drawn per seed), hold
    ``plateau_per_week`` for ``plateau_weeks`` and then decline with ``decline_half_life_weeks``
    towards ``floor_fraction`` of the plateau. Harm reports follow at ``harm_per_seizure`` per
    seizure, ``harm_lag_weeks`` later.
    """

    key: str
    label: str
    anchor: dt.date
    members: tuple[WaveMember, ...]
    routes: tuple[WaveRoute, ...]
    doubling_weeks: tuple[float, float]
    plateau_per_week: float
    plateau_weeks: tuple[int, int]
    harm_per_seizure: float
    harm_lag_weeks: tuple[int, int]
    start_per_week: float = 1.0
    decline_half_life_weeks: float = 40.0
    floor_fraction: float = 0.5
    anchor_jitter_weeks: int = 4
    member_jitter_weeks: int = 2
    first_context: str = "border_postal"
    debut_contexts: Weighted = field(default=(("border_postal", 1.0),))


_NITAZENE_POSTAL = Product(
    "nitazene_postal",
    sold_as=(("", 0.5), ("research chemical", 0.4), ("isotonitazene", 0.1)),
    forms=(("powder", 1.0),),
    contexts=(("border_postal", 1.0),),
    actives=((MEMBER, 1.0),),
    purity=(40, 99),
    origins=_BORDER_NPS,
)
_NITAZENE_HEROIN = Product(
    "nitazene_heroin",
    sold_as=(("heroin", 0.95), ("", 0.05)),
    forms=(("powder", 1.0),),
    contexts=(("inland", 0.9), ("prison", 0.1)),
    actives=(("diamorphine", 1.0),),
    extras=(
        (MEMBER, "active", 1.0),
        ("caffeine", "adulterant", 0.4),
        ("paracetamol", "adulterant", 0.35),
        ("xylazine", "adulterant", 0.06),
    ),
    purity=(5, 50),
)
_NITAZENE_TABLET = Product(
    "nitazene_tablet",
    sold_as=(("oxycodone", 0.35), ("diazepam", 0.35), ("Xanax", 0.2), ("", 0.1)),
    forms=(("tablet", 1.0),),
    contexts=(("inland", 0.75), ("online", 0.15), ("prison", 0.1)),
    actives=((MEMBER, 1.0),),
    extras=(("etizolam", "active", 0.25),),
    quantity="tablets",
)

_CATHINONE_POSTAL = Product(
    "cathinone_postal",
    sold_as=(("research chemical", 0.45), ("", 0.35), ("plant food", 0.2)),
    forms=(("crystal", 0.6), ("powder", 0.4)),
    contexts=(("border_postal", 1.0),),
    actives=((MEMBER, 1.0),),
    purity=(60, 99),
    origins=_BORDER_NPS,
)
_CATHINONE_AS_MDMA = Product(
    "cathinone_as_mdma",
    sold_as=(("MDMA", 1.0),),
    forms=(("crystal", 0.7), ("powder", 0.3)),
    contexts=(("inland", 0.95), ("online", 0.05)),
    actives=((MEMBER, 1.0),),
    extras=(("MDMA", "active", 0.12), ("caffeine", "adulterant", 0.1)),
    purity=(30, 90),
)
_CATHINONE_ECSTASY = Product(
    "cathinone_ecstasy",
    sold_as=(("ecstasy tablet", 0.7), ("ecstasy", 0.3)),
    forms=(("tablet", 1.0),),
    contexts=(("inland", 1.0),),
    actives=((MEMBER, 1.0),),
    extras=(("caffeine", "adulterant", 0.3),),
    quantity="tablets",
)
_CATHINONE_HONEST = Product(
    "cathinone_named",
    sold_as=((MEMBER, 0.7), ("", 0.3)),
    forms=(("crystal", 0.8), ("powder", 0.2)),
    contexts=(("inland", 0.8), ("online", 0.2)),
    actives=((MEMBER, 1.0),),
    purity=(50, 98),
)
_CATHINONE_AS_COCAINE = Product(
    "cathinone_as_cocaine",
    sold_as=(("cocaine", 1.0),),
    forms=(("powder", 1.0),),
    contexts=(("inland", 1.0),),
    actives=((MEMBER, 1.0),),
    extras=(("cocaine", "active", 0.3), ("benzocaine", "adulterant", 0.2)),
    purity=(10, 70),
)

_SCRA_PRISON = Product(
    "scra_prison_paper",
    sold_as=(("", 0.6), ("spice", 0.3), ("letter", 0.1)),
    forms=(("paper", 1.0),),
    contexts=(("prison", 1.0),),
    actives=((MEMBER, 1.0),),
    quantity="sheets",
)
_SCRA_VAPE = Product(
    "scra_vape",
    sold_as=(("THC vape", 0.6), ("vape", 0.4)),
    forms=(("e_liquid", 1.0),),
    contexts=(("inland", 0.85), ("prison", 0.15)),
    actives=((MEMBER, 1.0),),
    quantity="devices",
)
_SCRA_HERBAL = Product(
    "scra_herbal",
    sold_as=(("spice", 0.7), ("mamba", 0.1), ("", 0.2)),
    forms=(("herbal_material", 1.0),),
    contexts=(("inland", 0.8), ("prison", 0.2)),
    actives=((MEMBER, 1.0),),
)
_SCRA_POSTAL = Product(
    "scra_postal",
    sold_as=(("research chemical", 0.6), ("", 0.4)),
    forms=(("powder", 1.0),),
    contexts=(("border_postal", 1.0),),
    actives=((MEMBER, 1.0),),
    extras=(("5-bromopent-1-ene", "precursor", 0.1), ("1-bromobutane", "precursor", 0.1)),
    purity=(50, 99),
    origins=(("China", 0.9), ("Hong Kong", 0.1)),
)
_SCRA_AS_CANNABIS = Product(
    "scra_as_cannabis",
    sold_as=(("cannabis", 1.0),),
    forms=(("herbal_material", 1.0),),
    contexts=(("inland", 1.0),),
    actives=((MEMBER, 1.0),),
    extras=(("THC", "active", 0.5),),
)

WAVES: tuple[Wave, ...] = (
    Wave(
        "nitazene",
        "nitazenes (2-benzylbenzimidazole opioids)",
        dt.date(2024, 3, 4),
        members=(
            WaveMember("isotonitazene", 0),
            WaveMember("metonitazene", 12),
            WaveMember("protonitazene", 26),
            WaveMember("N-pyrrolidino etonitazene", 40),
            WaveMember("N-desethyl isotonitazene", 58),
            WaveMember("N-pyrrolidino protonitazene", 80),
            WaveMember("N-pyrrolidino metonitazene", 104),
        ),
        routes=(
            WaveRoute(_NITAZENE_POSTAL, 0, 1, 1.0, 0.15),
            WaveRoute(_NITAZENE_HEROIN, 7, 8, 1.0, 1.0),
            WaveRoute(_NITAZENE_TABLET, 11, 10, 0.6, 0.6),
        ),
        doubling_weeks=(6.0, 10.0),
        plateau_per_week=8.0,
        plateau_weeks=(40, 60),
        harm_per_seizure=0.7,
        harm_lag_weeks=(1, 4),
        first_context="border_postal",
        debut_contexts=(("border_postal", 1.0),),
    ),
    Wave(
        "cathinone",
        "synthetic cathinones",
        dt.date(2024, 7, 1),
        members=(
            WaveMember("3-MMC", 0),
            WaveMember("3-CMC", 10),
            WaveMember("4-CMC", 22),
            WaveMember("eutylone", 34),
            WaveMember("N-ethylpentylone", 50),
            WaveMember("dipentylone", 70),
            WaveMember("4-CEC", 92),
        ),
        routes=(
            WaveRoute(_CATHINONE_POSTAL, 0, 1, 1.0, 0.2),
            WaveRoute(_CATHINONE_HONEST, 2, 6, 0.5, 0.3),
            WaveRoute(_CATHINONE_AS_MDMA, 4, 8, 0.6, 0.8),
            WaveRoute(_CATHINONE_ECSTASY, 8, 8, 0.4, 0.6),
            WaveRoute(_CATHINONE_AS_COCAINE, 12, 10, 0.2, 0.3),
        ),
        doubling_weeks=(4.0, 8.0),
        plateau_per_week=10.0,
        plateau_weeks=(36, 52),
        harm_per_seizure=0.35,
        harm_lag_weeks=(2, 8),
        first_context="border_postal",
        debut_contexts=(("border_postal", 0.7), ("inland", 0.3)),
    ),
    Wave(
        "scra",
        "synthetic cannabinoid receptor agonists (indazole/indole carboxamides)",
        dt.date(2024, 11, 4),
        members=(
            WaveMember("MDMB-4en-PINACA", 0),
            WaveMember("ADB-BUTINACA", 14),
            WaveMember("ADB-4en-PINACA", 30),
            WaveMember("MDMB-INACA", 36, precursor_of=("MDMB-4en-PINACA",)),
            WaveMember(
                "ADB-INACA",
                50,
                precursor_of=("ADB-BUTINACA", "ADB-4en-PINACA", "ADB-HEXINACA", "ADB-5'Br-BUTINACA"),
            ),
            WaveMember("ADB-5'Br-BUTINACA", 66),
            WaveMember("ADB-HEXINACA", 86),
        ),
        routes=(
            WaveRoute(_SCRA_PRISON, 0, 1, 1.0, 0.55),
            WaveRoute(_SCRA_HERBAL, 3, 6, 0.4, 0.4),
            WaveRoute(_SCRA_VAPE, 6, 10, 0.4, 0.7),
            WaveRoute(_SCRA_POSTAL, 8, 6, 0.3, 0.2),
            WaveRoute(_SCRA_AS_CANNABIS, 16, 10, 0.1, 0.2),
        ),
        doubling_weeks=(5.0, 9.0),
        plateau_per_week=12.0,
        plateau_weeks=(40, 60),
        harm_per_seizure=0.45,
        harm_lag_weeks=(1, 3),
        first_context="prison",
        debut_contexts=(("prison", 0.7), ("border_postal", 0.3)),
    ),
)
"""The emerging families. Dates are absolute so that later end dates leave earlier weeks alone."""

ONE_OFF_EPOCH = dt.date(2016, 5, 30)
"""Monday of the week the Psychoactive Substances Act 2016 came into force: one-offs start here."""

ONE_OFFS_PER_YEAR = 30.0
"""New substances a year that never take off (DESIGN.md section 9: 20-40)."""


# --------------------------------------------------------------------------------------------
# Places, agencies and regions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Force:
    """A territorial police force, the local authority districts it covers and their region."""

    name: str
    jurisdiction: str
    region: str
    weight: float
    areas: tuple[str, ...]
    code: str


FORCES: tuple[Force, ...] = (
    Force(
        "Metropolitan Police Service",
        "England",
        "London",
        0.19,
        (
            "Westminster",
            "Lambeth",
            "Camden",
            "Hackney",
            "Southwark",
            "Tower Hamlets",
            "Newham",
            "Haringey",
            "Islington",
            "Croydon",
            "Brent",
            "Lewisham",
            "Ealing",
        ),
        "MPS",
    ),
    Force(
        "West Midlands Police",
        "England",
        "West Midlands",
        0.08,
        ("Birmingham", "Coventry", "Wolverhampton", "Sandwell", "Walsall", "Dudley", "Solihull"),
        "WMP",
    ),
    Force(
        "Greater Manchester Police",
        "England",
        "North West",
        0.08,
        ("Manchester", "Salford", "Bolton", "Oldham", "Stockport", "Wigan", "Rochdale", "Tameside"),
        "GMP",
    ),
    Force(
        "West Yorkshire Police",
        "England",
        "Yorkshire and The Humber",
        0.065,
        ("Leeds", "Bradford", "Wakefield", "Kirklees", "Calderdale"),
        "WYP",
    ),
    Force(
        "Merseyside Police",
        "England",
        "North West",
        0.05,
        ("Liverpool", "Wirral", "Sefton", "Knowsley", "St. Helens"),
        "MER",
    ),
    Force(
        "Avon and Somerset Constabulary",
        "England",
        "South West",
        0.04,
        ("Bristol, City of", "North Somerset", "Bath and North East Somerset", "Somerset"),
        "ASC",
    ),
    Force(
        "Thames Valley Police",
        "England",
        "South East",
        0.045,
        ("Oxford", "Reading", "Milton Keynes", "Slough", "Buckinghamshire"),
        "TVP",
    ),
    Force(
        "South Wales Police",
        "Wales",
        "Wales",
        0.04,
        ("Cardiff", "Swansea", "Rhondda Cynon Taf", "Neath Port Talbot", "Bridgend"),
        "SWP",
    ),
    Force("Gwent Police", "Wales", "Wales", 0.01, ("Newport", "Caerphilly"), "GWP"),
    Force("North Wales Police", "Wales", "Wales", 0.01, ("Wrexham", "Conwy", "Gwynedd"), "NWP"),
    Force(
        "Police Scotland",
        "Scotland",
        "",
        0.075,
        ("Glasgow City", "City of Edinburgh", "Dundee City", "Aberdeen City", "Fife", "North Lanarkshire"),
        "PS",
    ),
    Force(
        "Police Service of Northern Ireland",
        "Northern Ireland",
        "",
        0.03,
        (
            "Belfast",
            "Derry City and Strabane",
            "Armagh City, Banbridge and Craigavon",
            "Lisburn and Castlereagh",
            "Newry, Mourne and Down",
        ),
        "PSNI",
    ),
    Force(
        "Kent Police",
        "England",
        "South East",
        0.04,
        ("Medway", "Maidstone", "Canterbury", "Thanet", "Dover", "Folkestone and Hythe"),
        "KEN",
    ),
    Force(
        "Northumbria Police",
        "England",
        "North East",
        0.04,
        (
            "Newcastle upon Tyne",
            "Sunderland",
            "Gateshead",
            "North Tyneside",
            "South Tyneside",
            "Northumberland",
        ),
        "NOR",
    ),
    Force(
        "South Yorkshire Police",
        "England",
        "Yorkshire and The Humber",
        0.035,
        ("Sheffield", "Doncaster", "Rotherham", "Barnsley"),
        "SYP",
    ),
    Force(
        "Nottinghamshire Police",
        "England",
        "East Midlands",
        0.03,
        ("Nottingham", "Mansfield", "Ashfield"),
        "NOT",
    ),
    Force("Leicestershire Police", "England", "East Midlands", 0.02, ("Leicester", "Charnwood"), "LEI"),
    Force(
        "Lancashire Constabulary",
        "England",
        "North West",
        0.03,
        ("Blackpool", "Preston", "Blackburn with Darwen", "Burnley"),
        "LAN",
    ),
    Force(
        "Hampshire and Isle of Wight Constabulary",
        "England",
        "South East",
        0.03,
        ("Southampton", "Portsmouth", "Isle of Wight"),
        "HAM",
    ),
    Force(
        "Essex Police",
        "England",
        "East of England",
        0.03,
        ("Southend-on-Sea", "Basildon", "Colchester", "Thurrock"),
        "ESX",
    ),
    Force("Devon and Cornwall Police", "England", "South West", 0.025, ("Plymouth", "Exeter", "Cornwall"), "DC"),
    Force(
        "Staffordshire Police",
        "England",
        "West Midlands",
        0.02,
        ("Stoke-on-Trent", "Newcastle-under-Lyme", "Stafford"),
        "STA",
    ),
)
"""Police forces (official names) with weights proportional to their share of submissions."""

AREA_FORCE: dict[str, Force] = {area: force for force in FORCES for area in force.areas}
"""The force covering each local authority district used here."""


@dataclass(frozen=True)
class Prison:
    """A prison establishment's local authority district (the prison itself is not named)."""

    agency: str
    jurisdiction: str
    local_area: str
    region: str
    weight: float
    code: str


PRISONS: tuple[Prison, ...] = (
    Prison("HM Prison and Probation Service", "England", "Wakefield", "Yorkshire and The Humber", 0.08, "WAK"),
    Prison("HM Prison and Probation Service", "England", "Doncaster", "Yorkshire and The Humber", 0.08, "DON"),
    Prison("HM Prison and Probation Service", "England", "Liverpool", "North West", 0.08, "LIV"),
    Prison("HM Prison and Probation Service", "England", "Leeds", "Yorkshire and The Humber", 0.07, "LEE"),
    Prison("HM Prison and Probation Service", "England", "Manchester", "North West", 0.07, "MAN"),
    Prison("HM Prison and Probation Service", "England", "Birmingham", "West Midlands", 0.07, "BIR"),
    Prison("HM Prison and Probation Service", "England", "Nottingham", "East Midlands", 0.05, "NOT"),
    Prison("HM Prison and Probation Service", "England", "County Durham", "North East", 0.05, "DUR"),
    Prison(
        "HM Prison and Probation Service",
        "England",
        "Kingston upon Hull, City of",
        "Yorkshire and The Humber",
        0.04,
        "HUL",
    ),
    Prison("HM Prison and Probation Service", "England", "Bristol, City of", "South West", 0.04, "BRI"),
    Prison("HM Prison and Probation Service", "England", "Lewes", "South East", 0.03, "LEW"),
    Prison("HM Prison and Probation Service", "England", "Peterborough", "East of England", 0.04, "PET"),
    Prison("HM Prison and Probation Service", "England", "Milton Keynes", "South East", 0.03, "MKY"),
    Prison("HM Prison and Probation Service", "England", "Isle of Wight", "South East", 0.03, "IOW"),
    Prison("HM Prison and Probation Service", "Wales", "Swansea", "Wales", 0.03, "SWA"),
    Prison("HM Prison and Probation Service", "Wales", "Cardiff", "Wales", 0.03, "CDF"),
    Prison("HM Prison and Probation Service", "Wales", "Wrexham", "Wales", 0.04, "WRX"),
    Prison("HM Prison and Probation Service", "Wales", "Bridgend", "Wales", 0.04, "BGD"),
    Prison("Scottish Prison Service", "Scotland", "Glasgow City", "", 0.04, "GLA"),
    Prison("Scottish Prison Service", "Scotland", "Perth and Kinross", "", 0.02, "PER"),
    Prison("Northern Ireland Prison Service", "Northern Ireland", "Lisburn and Castlereagh", "", 0.02, "MAG"),
)
"""Prison local authority districts with weights."""

BORDER_PLACES: dict[str, tuple[tuple[str, str, str, float], ...]] = {
    # context -> (local area, case-reference code, region, weight)
    "border_postal": (
        ("Coventry", "COV", "West Midlands", 0.6),
        ("East Midlands Airport", "EMA", "East Midlands", 0.3),
        ("Heathrow", "LHR", "London", 0.1),
    ),
    "border_freight": (
        ("Felixstowe", "FXT", "East of England", 0.4),
        ("Dover", "DVR", "South East", 0.3),
        ("Heathrow", "LHR", "London", 0.15),
        ("East Midlands Airport", "EMA", "East Midlands", 0.15),
    ),
    "border_passenger": (
        ("Heathrow", "LHR", "London", 0.4),
        ("Manchester Airport", "MAN", "North West", 0.25),
        ("Stansted", "STN", "East of England", 0.2),
        ("Dover", "DVR", "South East", 0.15),
    ),
}
"""Border Force seizure places by context (all in England)."""

REPORT_REGIONS: Weighted = (
    ("London", 0.17),
    ("North West", 0.16),
    ("West Midlands", 0.1),
    ("Yorkshire and The Humber", 0.11),
    ("North East", 0.07),
    ("East Midlands", 0.08),
    ("East of England", 0.08),
    ("South East", 0.1),
    ("South West", 0.07),
    ("Wales", 0.06),
)
"""Regions of RIDR harm reports (English regions and Wales)."""

CASE_OPERATIONS: tuple[str, ...] = (
    "ELM",
    "OAK",
    "ASH",
    "BIRCH",
    "ROWAN",
    "HAZEL",
    "ALDER",
    "WILLOW",
    "LARCH",
    "YEW",
    "HOLLY",
    "MAPLE",
    "CEDAR",
    "SPRUCE",
    "HAWTHORN",
    "BEECH",
)
"""Operation code words used in synthetic case references."""

PSYCHOACTIVITY_LABS: tuple[str, ...] = (
    "Northgate Receptor Pharmacology Unit (demo)",
    "Fenland In Vitro Bioassay Centre (demo)",
    "Harbourside Toxicology Laboratory (demo)",
)
"""Fictional laboratories running psychoactivity assays."""

ASSAYS: dict[str, tuple[str, str, tuple[float, float], tuple[float, float]]] = {
    # category -> (assay, reference compound, potency range nM (log-uniform), efficacy range %)
    "opioid": ("MOR beta-arrestin2 recruitment", "hydromorphone", (1.0, 300.0), (60.0, 180.0)),
    "nitazene": ("MOR beta-arrestin2 recruitment", "hydromorphone", (0.2, 40.0), (100.0, 320.0)),
    "synthetic_cannabinoid": ("CB1 beta-arrestin2 recruitment", "CP55,940", (0.5, 60.0), (80.0, 400.0)),
    "tryptamine": ("5-HT2A calcium flux", "LSD", (5.0, 600.0), (40.0, 110.0)),
    "hallucinogen": ("5-HT2A calcium flux", "LSD", (0.5, 150.0), (50.0, 120.0)),
    "cathinone": ("DAT uptake inhibition", "cocaine", (50.0, 5000.0), (70.0, 105.0)),
    "stimulant": ("DAT uptake inhibition", "cocaine", (50.0, 3000.0), (70.0, 105.0)),
    "benzodiazepine": ("GABA-A receptor potentiation", "diazepam", (5.0, 800.0), (60.0, 140.0)),
    "dissociative": ("NMDA receptor binding", "ketamine", (30.0, 5000.0), (60.0, 110.0)),
    "depressant": ("GABA-B receptor activation", "baclofen", (1000.0, 100000.0), (30.0, 100.0)),
}
"""Psychoactivity assay used per substance category (FEWS III psychoactivity testing)."""

MARKETS: tuple[str, ...] = (
    "Nightjar Market",
    "Kestrel Bazaar",
    "Brimstone Exchange",
    "Ocelot Market",
    "Lanternfish Market",
)
"""Fictional darknet markets watched by the online market monitor."""

SURFACE_VENDORS: tuple[str, ...] = (
    "surface web research-chemical shop A",
    "surface web research-chemical shop B",
    "surface web 'legal high' shop C",
)
"""Fictional, anonymised surface-web vendors."""


# --------------------------------------------------------------------------------------------
# One-off novel substances: how they turn up
# --------------------------------------------------------------------------------------------

ONE_OFF_PRODUCTS: dict[str, Product] = {
    "cathinone": Product(
        "one_off_cathinone",
        sold_as=(("research chemical", 0.4), ("", 0.3), ("MDMA", 0.15), ("plant food", 0.15)),
        forms=(("crystal", 0.6), ("powder", 0.4)),
        contexts=(("border_postal", 0.6), ("inland", 0.25), ("online", 0.15)),
        actives=((MEMBER, 1.0),),
        purity=(40, 99),
        origins=_BORDER_NPS,
    ),
    "synthetic_cannabinoid": Product(
        "one_off_scra",
        sold_as=(("", 0.5), ("spice", 0.25), ("research chemical", 0.25)),
        forms=(("powder", 0.4), ("paper", 0.35), ("herbal_material", 0.25)),
        contexts=(("border_postal", 0.5), ("prison", 0.35), ("inland", 0.15)),
        actives=((MEMBER, 1.0),),
        origins=(("China", 0.9), ("Hong Kong", 0.1)),
    ),
    "tryptamine": Product(
        "one_off_tryptamine",
        sold_as=(("research chemical", 0.5), ("", 0.3), ("DMT", 0.2)),
        forms=(("powder", 0.6), ("crystal", 0.2), ("capsule", 0.2)),
        contexts=(("border_postal", 0.6), ("online", 0.2), ("inland", 0.2)),
        actives=((MEMBER, 1.0),),
        origins=_BORDER_NPS,
    ),
    "hallucinogen": Product(
        "one_off_hallucinogen",
        sold_as=(("LSD", 0.35), ("research chemical", 0.35), ("", 0.3)),
        forms=(("paper", 0.5), ("powder", 0.3), ("tablet", 0.2)),
        contexts=(("border_postal", 0.6), ("online", 0.2), ("inland", 0.2)),
        actives=((MEMBER, 1.0),),
        quantity="sheets",
        origins=_BORDER_EUROPE,
    ),
    "benzodiazepine": Product(
        "one_off_benzodiazepine",
        sold_as=(("diazepam", 0.3), ("Xanax", 0.25), ("research chemical", 0.25), ("", 0.2)),
        forms=(("tablet", 0.7), ("powder", 0.3)),
        contexts=(("border_postal", 0.5), ("inland", 0.3), ("online", 0.1), ("prison", 0.1)),
        actives=((MEMBER, 1.0),),
        quantity="tablets",
        origins=_BORDER_NPS,
    ),
    "opioid": Product(
        "one_off_opioid",
        sold_as=(("research chemical", 0.4), ("", 0.3), ("heroin", 0.15), ("oxycodone", 0.15)),
        forms=(("powder", 0.7), ("tablet", 0.3)),
        contexts=(("border_postal", 0.7), ("inland", 0.2), ("online", 0.1)),
        actives=((MEMBER, 1.0),),
        origins=_BORDER_NPS,
    ),
    "dissociative": Product(
        "one_off_dissociative",
        sold_as=(("ketamine", 0.35), ("research chemical", 0.4), ("", 0.25)),
        forms=(("powder", 0.6), ("crystal", 0.4)),
        contexts=(("border_postal", 0.6), ("inland", 0.3), ("online", 0.1)),
        actives=((MEMBER, 1.0),),
        purity=(50, 99),
        origins=_BORDER_NPS,
    ),
    "stimulant": Product(
        "one_off_stimulant",
        sold_as=(("research chemical", 0.45), ("", 0.35), ("amphetamine", 0.2)),
        forms=(("powder", 0.7), ("tablet", 0.3)),
        contexts=(("border_postal", 0.6), ("inland", 0.25), ("online", 0.15)),
        actives=((MEMBER, 1.0),),
        origins=_BORDER_NPS,
    ),
    "depressant": Product(
        "one_off_depressant",
        sold_as=(("", 0.5), ("GHB", 0.5)),
        forms=(("liquid", 0.6), ("powder", 0.4)),
        contexts=(("border_postal", 0.5), ("inland", 0.5)),
        actives=((MEMBER, 1.0),),
        quantity="mL",
        origins=_BORDER_NPS,
    ),
}
"""How a one-off novel substance of each category is packaged and where it is seized."""


# --------------------------------------------------------------------------------------------
# Harm reports (RIDR)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HarmPattern:
    """A kind of harm report: what is suspected, in which care settings, how severe, which effects.

    ``suspected`` holds ``(name, probability)`` pairs tried in order: the first whose draw succeeds
    is the main suspected substance (the last has probability 1); ``co_use`` adds further names
    independently. :data:`MEMBER` stands for the wave member.
    """

    key: str
    weight: float
    suspected: Weighted
    co_use: Weighted
    settings: Weighted
    severities: Weighted
    effects: tuple[str, ...]
    vulnerable: Weighted = (("", 1.0),)
    toxicology: Weighted = (("none", 0.5), ("possible", 0.35), ("probable", 0.1), ("confirmed", 0.05))
    peak_week: int = 1
    amplitude: float = 0.0


_MILD = (("mild", 0.4), ("moderate", 0.4), ("severe", 0.18), ("fatal", 0.02))
_SEVERE = (("mild", 0.12), ("moderate", 0.33), ("severe", 0.45), ("fatal", 0.10))
_ED = (
    ("emergency_department", 0.55),
    ("ambulance", 0.25),
    ("hospital_inpatient", 0.1),
    ("critical_care", 0.1),
)

BACKGROUND_HARMS: tuple[HarmPattern, ...] = (
    HarmPattern(
        "heroin",
        0.2,
        (("heroin", 1.0),),
        (
            ("methadone", 0.1),
            ("pregabalin", 0.2),
            ("diazepam", 0.12),
            ("ethanol", 0.2),
            ("crack cocaine", 0.2),
        ),
        (
            ("ambulance", 0.35),
            ("emergency_department", 0.35),
            ("critical_care", 0.1),
            ("drug_treatment", 0.1),
            ("prison_healthcare", 0.1),
        ),
        _SEVERE,
        ("reduced_consciousness", "respiratory_depression", "collapse", "hypotension", "bradycardia"),
        (("", 0.6), ("homeless_or_hostel", 0.3), ("prisoner", 0.1)),
        peak_week=2,
        amplitude=0.1,
    ),
    HarmPattern(
        "cocaine",
        0.17,
        (("cocaine", 1.0),),
        (("ethanol", 0.5), ("MDMA", 0.1), ("ketamine", 0.1)),
        _ED,
        _MILD,
        ("chest_pain", "tachycardia", "agitation", "hypertension", "anxiety", "arrhythmia"),
        peak_week=51,
        amplitude=0.15,
    ),
    HarmPattern(
        "crack",
        0.05,
        (("crack cocaine", 1.0),),
        (("heroin", 0.5), ("ethanol", 0.2)),
        _ED,
        _MILD,
        ("chest_pain", "tachycardia", "agitation", "paranoia", "seizure"),
        (("", 0.6), ("homeless_or_hostel", 0.4)),
    ),
    HarmPattern(
        "mdma",
        0.08,
        (("MDMA", 0.6), ("ecstasy", 1.0)),
        (("ethanol", 0.4), ("ketamine", 0.2), ("cocaine", 0.2)),
        _ED,
        _MILD,
        ("hyperthermia", "agitation", "tachycardia", "hyponatraemia", "seizure", "serotonin_toxicity"),
        (("", 0.8), ("young_person", 0.2)),
        peak_week=28,
        amplitude=0.5,
    ),
    HarmPattern(
        "ketamine",
        0.05,
        (("ketamine", 1.0),),
        (("ethanol", 0.3), ("MDMA", 0.2)),
        (("emergency_department", 0.5), ("drug_treatment", 0.3), ("primary_care", 0.2)),
        _MILD,
        ("reduced_consciousness", "confusion", "vomiting", "acute_kidney_injury", "other"),
        (("", 0.8), ("young_person", 0.2)),
        peak_week=27,
        amplitude=0.3,
    ),
    HarmPattern(
        "ghb",
        0.06,
        (("GHB", 0.7), ("GBL", 1.0)),
        (("mephedrone", 0.3), ("methamphetamine", 0.3), ("ethanol", 0.2)),
        (("sexual_health", 0.35), ("emergency_department", 0.4), ("ambulance", 0.25)),
        _SEVERE,
        ("reduced_consciousness", "seizure", "vomiting", "bradycardia", "respiratory_depression"),
        (("chemsex", 0.6), ("", 0.4)),
    ),
    HarmPattern(
        "benzodiazepine",
        0.08,
        (("street Valium", 0.3), ("etizolam", 0.4), ("Xanax", 0.5), ("diazepam", 1.0)),
        (("ethanol", 0.3), ("heroin", 0.2), ("pregabalin", 0.2)),
        _ED,
        _MILD,
        ("reduced_consciousness", "confusion", "respiratory_depression", "collapse", "withdrawal"),
        (("", 0.6), ("young_person", 0.2), ("prisoner", 0.2)),
    ),
    HarmPattern(
        "pregabalin",
        0.05,
        (("pregabalin", 1.0),),
        (("heroin", 0.4), ("methadone", 0.2), ("ethanol", 0.2)),
        _ED,
        _SEVERE,
        ("reduced_consciousness", "respiratory_depression", "confusion"),
        (("", 0.6), ("prisoner", 0.4)),
    ),
    HarmPattern(
        "cannabis",
        0.07,
        (("cannabis", 1.0),),
        (("ethanol", 0.3), ("cocaine", 0.1)),
        (("emergency_department", 0.6), ("primary_care", 0.2), ("mental_health", 0.2)),
        _MILD,
        ("psychosis", "anxiety", "vomiting", "paranoia", "tachycardia"),
        (("", 0.7), ("young_person", 0.3)),
    ),
    HarmPattern(
        "monkey_dust",
        0.02,
        (("Monkey Dust", 1.0),),
        (("ethanol", 0.2),),
        (("ambulance", 0.4), ("emergency_department", 0.4), ("police_custody_healthcare", 0.2)),
        _SEVERE,
        ("agitation", "psychosis", "hyperthermia", "aggression", "paranoia"),
        (("", 0.6), ("homeless_or_hostel", 0.4)),
    ),
    HarmPattern(
        "medicine",
        0.05,
        (("tramadol", 0.3), ("zopiclone", 0.3), ("gabapentin", 0.3), ("oxycodone", 1.0)),
        (("ethanol", 0.3),),
        (("primary_care", 0.3), ("emergency_department", 0.5), ("pharmacy", 0.2)),
        _MILD,
        ("reduced_consciousness", "seizure", "vomiting", "confusion"),
    ),
    HarmPattern(
        "amphetamine",
        0.03,
        (("amphetamine", 1.0),),
        (("ethanol", 0.3),),
        _ED,
        _MILD,
        ("agitation", "tachycardia", "psychosis", "hypertension"),
    ),
    HarmPattern(
        "unknown",
        0.03,
        (("unknown pills", 0.5), ("unknown white powder", 1.0)),
        (("ethanol", 0.3),),
        _ED,
        _MILD,
        ("agitation", "reduced_consciousness", "vomiting", "seizure"),
        (("", 0.7), ("young_person", 0.3)),
    ),
)
"""Harm reports from the established market (about ten a week at ``scale=1``)."""

WAVE_HARMS: dict[str, tuple[HarmPattern, ...]] = {
    "nitazene": (
        HarmPattern(
            "nitazene_heroin",
            0.7,
            (("heroin", 1.0),),
            (("pregabalin", 0.2), ("ethanol", 0.15), ("crack cocaine", 0.2)),
            (
                ("ambulance", 0.35),
                ("emergency_department", 0.3),
                ("critical_care", 0.2),
                ("prison_healthcare", 0.1),
                ("drug_treatment", 0.05),
            ),
            (("mild", 0.08), ("moderate", 0.3), ("severe", 0.47), ("fatal", 0.15)),
            ("respiratory_depression", "reduced_consciousness", "collapse", "cardiac_arrest", "hypotension"),
            (("", 0.5), ("homeless_or_hostel", 0.35), ("prisoner", 0.15)),
            (("none", 0.15), ("possible", 0.3), ("probable", 0.2), ("confirmed", 0.35)),
        ),
        HarmPattern(
            "nitazene_tablet",
            0.3,
            (("oxycodone", 0.4), ("Xanax", 0.5), ("diazepam", 1.0)),
            (("ethanol", 0.3),),
            _ED,
            (("mild", 0.1), ("moderate", 0.35), ("severe", 0.42), ("fatal", 0.13)),
            ("respiratory_depression", "reduced_consciousness", "collapse", "confusion"),
            (("", 0.7), ("young_person", 0.3)),
            (("none", 0.15), ("possible", 0.3), ("probable", 0.2), ("confirmed", 0.35)),
        ),
    ),
    "cathinone": (
        HarmPattern(
            "cathinone_mdma",
            0.6,
            (("MDMA", 0.6), ("ecstasy", 1.0)),
            (("ethanol", 0.4), ("ketamine", 0.15)),
            _ED,
            _MILD,
            ("agitation", "tachycardia", "hyperthermia", "paranoia", "psychosis", "hypertension"),
            (("", 0.8), ("young_person", 0.2)),
            (("none", 0.25), ("possible", 0.3), ("probable", 0.15), ("confirmed", 0.3)),
        ),
        HarmPattern(
            "cathinone_named",
            0.4,
            ((MEMBER, 0.6), ("research chemical", 1.0)),
            (("ethanol", 0.2), ("GHB", 0.15)),
            (("emergency_department", 0.5), ("sexual_health", 0.2), ("ambulance", 0.3)),
            _MILD,
            ("agitation", "tachycardia", "psychosis", "paranoia", "hyperthermia"),
            (("", 0.7), ("chemsex", 0.3)),
            (("none", 0.2), ("possible", 0.3), ("probable", 0.2), ("confirmed", 0.3)),
        ),
    ),
    "scra": (
        HarmPattern(
            "scra_prison",
            0.5,
            (("spice", 1.0),),
            (("buprenorphine", 0.1),),
            (("prison_healthcare", 0.85), ("emergency_department", 0.15)),
            _SEVERE,
            ("seizure", "agitation", "reduced_consciousness", "vomiting", "tachycardia", "aggression"),
            (("prisoner", 1.0),),
            (("none", 0.3), ("possible", 0.3), ("probable", 0.15), ("confirmed", 0.25)),
        ),
        HarmPattern(
            "scra_vape",
            0.35,
            (("THC vape", 0.7), ("vape", 1.0)),
            (("ethanol", 0.2),),
            (("emergency_department", 0.7), ("ambulance", 0.3)),
            _MILD,
            ("seizure", "vomiting", "tachycardia", "anxiety", "collapse", "reduced_consciousness"),
            (("young_person", 0.6), ("", 0.4)),
            (("none", 0.25), ("possible", 0.3), ("probable", 0.15), ("confirmed", 0.3)),
        ),
        HarmPattern(
            "scra_street",
            0.15,
            (("spice", 0.6), ("synthetic cannabinoids", 1.0)),
            (("ethanol", 0.3),),
            (("ambulance", 0.5), ("emergency_department", 0.5)),
            _SEVERE,
            ("reduced_consciousness", "seizure", "agitation", "vomiting", "collapse"),
            (("homeless_or_hostel", 0.6), ("", 0.4)),
            (("none", 0.35), ("possible", 0.3), ("probable", 0.15), ("confirmed", 0.2)),
        ),
    ),
}
"""Harm report patterns that follow each wave; a confirmed report names the member found."""

REPORTER_ROLES: dict[str, Weighted] = {
    "emergency_department": (("emergency_physician", 0.6), ("nurse", 0.3), ("toxicologist", 0.1)),
    "ambulance": (("paramedic", 1.0),),
    "hospital_inpatient": (("hospital_doctor", 0.6), ("nurse", 0.2), ("toxicologist", 0.2)),
    "critical_care": (("hospital_doctor", 0.7), ("toxicologist", 0.3)),
    "primary_care": (("gp", 0.8), ("nurse", 0.2)),
    "sexual_health": (("nurse", 0.6), ("hospital_doctor", 0.4)),
    "drug_treatment": (("drug_worker", 0.8), ("nurse", 0.2)),
    "prison_healthcare": (("prison_healthcare_staff", 1.0),),
    "mental_health": (("mental_health_practitioner", 1.0),),
    "pharmacy": (("pharmacist", 1.0),),
    "police_custody_healthcare": (("nurse", 0.7), ("paramedic", 0.3)),
}
"""Who reports from each care setting (FEWS reporter_roles vocabulary codes)."""


# --------------------------------------------------------------------------------------------
# Other intelligence: drug checking, street surveys, online markets
# --------------------------------------------------------------------------------------------

CHECKING_PRODUCTS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    # sold as, weight, what is normally found
    ("MDMA", 0.2, ("MDMA",)),
    ("ecstasy", 0.12, ("MDMA",)),
    ("cocaine", 0.17, ("cocaine",)),
    ("ketamine", 0.1, ("ketamine",)),
    ("diazepam", 0.07, ("etizolam",)),
    ("Xanax", 0.05, ("alprazolam",)),
    ("heroin", 0.06, ("diamorphine",)),
    ("THC vape", 0.05, ("THC",)),
    ("LSD", 0.04, ("LSD",)),
    ("amphetamine", 0.04, ("amphetamine",)),
    ("mephedrone", 0.03, ("mephedrone",)),
    ("", 0.03, ("unidentified",)),
)
"""What people hand in to drug-checking services, and what is normally in it."""

WAVE_MIS_SELLING: dict[str, tuple[tuple[str, ...], float]] = {
    # wave -> (products it hides in, share of those products at the wave's plateau)
    "nitazene": (("heroin", "diazepam", "Xanax"), 0.3),
    "cathinone": (("MDMA", "ecstasy", "cocaine", "mephedrone"), 0.35),
    "scra": (("THC vape",), 0.55),
}
"""Drug checking finds a wave member in these products, more often as the wave rises."""

STREET_SURVEY_ITEMS: tuple[tuple[str, float, tuple[float, float]], ...] = (
    # sold as, weight, price range (GBP)
    ("heroin", 0.2, (10.0, 20.0)),
    ("crack cocaine", 0.2, (10.0, 20.0)),
    ("spice", 0.15, (5.0, 10.0)),
    ("street Valium", 0.12, (1.0, 3.0)),
    ("pregabalin", 0.08, (1.0, 2.0)),
    ("Monkey Dust", 0.05, (5.0, 10.0)),
    ("cocaine", 0.1, (40.0, 80.0)),
    ("ketamine", 0.05, (20.0, 40.0)),
    ("THC vape", 0.05, (20.0, 40.0)),
)
"""Products people who use drugs report buying (outreach street surveys)."""

ONLINE_ESTABLISHED: tuple[tuple[str, float, tuple[float, float]], ...] = (
    ("ketamine", 0.25, (20.0, 40.0)),
    ("MDMA", 0.2, (25.0, 45.0)),
    ("alprazolam", 0.2, (30.0, 90.0)),
    ("pregabalin", 0.15, (20.0, 60.0)),
    ("etizolam", 0.1, (30.0, 80.0)),
    ("cocaine", 0.1, (60.0, 90.0)),
)
"""Established drugs listed on monitored markets (price per listing unit, GBP)."""
